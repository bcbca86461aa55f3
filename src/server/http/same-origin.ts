// Cross-site request refusal for cookie-authenticated, state-changing HTTP requests. SameSite=Lax alone lets
// sibling subdomains and other ports of the same host post with the user's cookie, so each such request must
// come from the portal's own origin: its Origin header equals the origin the WebSocket upgrades expect
// (PUBLIC_URL's, else the Host's — one function, src/server/console/origin.ts), or, when a browser sent no
// Origin, Sec-Fetch-Site says "same-origin". Bearer-token calls carry no ambient authority and are exempt.
import { expectedOrigin } from "@/server/console/origin";
import { AppError } from "./app-error";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function isStateChanging(method: string): boolean {
  return !SAFE_METHODS.has(method.toUpperCase());
}

/** True when the request's Origin (or, without one, Sec-Fetch-Site) shows it comes from the portal's own pages. */
export function sameOriginRequest(headers: Headers): boolean {
  const origin = headers.get("origin");
  if (origin) {
    const expected = expectedOrigin(Object.fromEntries(headers));
    return expected !== null && origin === expected;
  }
  return headers.get("sec-fetch-site") === "same-origin";
}

/** Throws CROSS_SITE_REQUEST for a state-changing request that did not come from the portal's own origin. */
export function assertSameOrigin(req: Request): void {
  if (!isStateChanging(req.method)) return;
  if (!sameOriginRequest(req.headers)) {
    throw new AppError(
      "CROSS_SITE_REQUEST",
      "This request came from another site and was refused. Use the portal's own pages; scripts should use an API token (Authorization: Bearer).",
    );
  }
}
