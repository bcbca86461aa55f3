// Reads the next-auth session cookie from a raw Cookie header. One implementation for route handlers, server
// components and WebSocket upgrades, so all three agree on who is asking.
import { decode } from "next-auth/jwt";
import { authSecret } from "./secret";

export const SESSION_COOKIE_NAMES = ["__Secure-next-auth.session-token", "next-auth.session-token"] as const;

/** `sid` identifies one sign-in (revoked at sign-out); cookies issued before session ids have none. */
export type SessionClaims = { uid: string; sv: number; sid?: string };

export function parseCookies(header: string | null | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq < 1) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    try {
      cookies.set(name, decodeURIComponent(value));
    } catch {
      cookies.set(name, value);
    }
  }
  return cookies;
}

/** Joins next-auth's chunked cookies (name.0, name.1, …) when the token was too large for one. */
function cookieValue(cookies: Map<string, string>, name: string): string | undefined {
  const whole = cookies.get(name);
  if (whole) return whole;
  const chunks: string[] = [];
  for (let i = 0; cookies.has(`${name}.${i}`); i++) chunks.push(cookies.get(`${name}.${i}`)!);
  return chunks.length ? chunks.join("") : undefined;
}

export async function readSessionClaims(cookieHeader: string | null | undefined): Promise<SessionClaims | null> {
  const cookies = parseCookies(cookieHeader);
  for (const name of SESSION_COOKIE_NAMES) {
    const token = cookieValue(cookies, name);
    if (!token) continue;
    try {
      const claims = await decode({ token, secret: authSecret() });
      if (claims && typeof claims.uid === "string" && typeof claims.sv === "number") {
        return { uid: claims.uid, sv: claims.sv, ...(typeof claims.sid === "string" ? { sid: claims.sid } : {}) };
      }
    } catch {
      // a forged, expired or foreign cookie is simply no session
    }
  }
  return null;
}
