import type { IncomingHttpHeaders } from "node:http";
import { env } from "@/env";

/**
 * The origin a browser page of this portal has: PUBLIC_URL's, or (when unset) the Host the request came to.
 * WebSocket upgrades from any other origin are refused (cross-site WebSocket hijacking).
 */
export function expectedOrigin(headers: IncomingHttpHeaders): string | null {
  const publicUrl = env().PUBLIC_URL;
  if (publicUrl) return new URL(publicUrl).origin;
  const host = headers.host;
  if (!host) return null;
  const proto = env().TRUST_PROXY
    ? String(headers["x-forwarded-proto"] ?? "http")
        .split(",")[0]!
        .trim()
    : "http";
  return `${proto}://${host}`;
}

export function originAllowed(headers: IncomingHttpHeaders): boolean {
  const origin = headers.origin;
  if (!origin) return false;
  const expected = expectedOrigin(headers);
  return expected !== null && origin === expected;
}
