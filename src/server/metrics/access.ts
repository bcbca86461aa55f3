// Who may read /metrics: a caller from an address in METRICS_ALLOW (CIDR list; default loopback only), or one
// sending the scrape token (METRICS_TOKEN) as `Authorization: Bearer …`. Pure: no environment, no I/O.
import { createHash, timingSafeEqual } from "node:crypto";
import { type BlockList, isIP } from "node:net";
import { AppError } from "@/server/http/app-error";

export { DEFAULT_METRICS_ALLOW, parseAllowList } from "./allow-list";

export function addressAllowed(list: BlockList, ip: string | null): boolean {
  if (!ip) return false;
  const address = ip.replace(/^::ffff:(?=\d+\.)/, "");
  const family = isIP(address);
  return family !== 0 && list.check(address, family === 6 ? "ipv6" : "ipv4");
}

const digest = (text: string) => createHash("sha256").update(text).digest();

function bearer(authorization: string | null | undefined): string | null {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
  return m?.[1] ?? null;
}

/**
 * null when the caller may scrape; otherwise the refusal: 401 when a scrape token is configured (send it), 403
 * when none is (only the allowed addresses can scrape).
 */
export function metricsRefusal(
  caller: { ip: string | null; authorization?: string | null },
  rules: { allow: BlockList; token?: string | null },
): AppError | null {
  const sent = bearer(caller.authorization);
  // compared as SHA-256 digests: same length, constant time
  if (sent && rules.token && timingSafeEqual(digest(sent), digest(rules.token))) return null;
  if (addressAllowed(rules.allow, caller.ip)) return null;
  if (!rules.token)
    return new AppError(
      "FORBIDDEN",
      `Metrics are served only to the addresses in METRICS_ALLOW, and ${caller.ip ?? "this address"} is not one of them.`,
    );
  return new AppError(
    "UNAUTHENTICATED",
    sent
      ? "The metrics scrape token is not valid."
      : "Send the metrics scrape token as Authorization: Bearer <token>, or scrape from an address in METRICS_ALLOW.",
    { headers: { "WWW-Authenticate": 'Bearer realm="metrics"' } },
  );
}
