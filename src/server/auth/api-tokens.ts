// Personal access tokens: "lpt_" + 32 random bytes (base64url). Only the SHA-256 is stored; the first 12
// characters are kept as a visible prefix so people can tell their tokens apart.
import { createHash, randomBytes } from "node:crypto";

export const TOKEN_SCOPES = ["read", "write", "admin"] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

export function newApiToken(): { token: string; prefix: string; hash: string } {
  const token = `lpt_${randomBytes(32).toString("base64url")}`;
  return { token, prefix: token.slice(0, 12), hash: hashApiToken(token) };
}

export function hashApiToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export function parseScopes(value: string): TokenScope[] {
  return value.split(/[\s,]+/).filter((s): s is TokenScope => (TOKEN_SCOPES as readonly string[]).includes(s));
}
