// Who is asking: a signed-in person (session cookie) or an API client (Bearer token). Both are checked against
// the database on every request, so disabling a user, changing a role or revoking a token takes effect at once.
import type { Role } from "@/generated/sqlite/enums";
import { db } from "@/server/db/client";
import { AppError } from "@/server/http/app-error";
import { noteTokenUse } from "@/server/tokens/usage";
import { hashApiToken, parseScopes, TOKEN_SCOPES, type TokenScope } from "./api-tokens";
import { mayHoldScope } from "./permissions";
import { isSessionRevoked } from "./revoked-sessions";
import { readSessionClaims } from "./session-token";

export type Actor = {
  id: string;
  email: string;
  name: string;
  role: Role;
  mustChangePassword: boolean;
  via: "session" | "token";
  /** Scopes of the API token; a session has every scope its role allows. */
  scopes: readonly TokenScope[];
  tokenId?: string;
  tokenName?: string;
};

/** What a token was used for, for the token.use audit event (path only: never a query string, it may hold a ticket). */
export type TokenUseRequest = { method: string; path: string };

const userSelect = {
  id: true,
  email: true,
  name: true,
  role: true,
  mustChangePassword: true,
  disabledAt: true,
  sessionVersion: true,
} as const;

export async function actorFromSession(cookieHeader: string | null | undefined): Promise<Actor | null> {
  const claims = await readSessionClaims(cookieHeader);
  if (!claims) return null;
  const [user, revoked] = await Promise.all([
    db().user.findUnique({ where: { id: claims.uid }, select: userSelect }),
    claims.sid ? isSessionRevoked(claims.sid) : false,
  ]);
  if (!user || user.disabledAt || user.sessionVersion !== claims.sv || revoked) return null;
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    mustChangePassword: user.mustChangePassword,
    via: "session",
    scopes: TOKEN_SCOPES.filter((s) => mayHoldScope(user, s)),
  };
}

export async function actorFromBearer(
  authorization: string,
  ip: string | null,
  request?: TokenUseRequest,
): Promise<Actor> {
  const token = authorization.replace(/^Bearer\s+/i, "").trim();
  const invalid = new AppError("UNAUTHENTICATED", "This API token is not valid, has expired or was revoked.");
  if (!token.startsWith("lpt_")) throw invalid;
  const row = await db().apiToken.findUnique({
    where: { hash: hashApiToken(token) },
    include: { user: { select: userSelect } },
  });
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt <= new Date()) || row.user.disabledAt) throw invalid;
  const scopes = parseScopes(row.scopes).filter((s) => mayHoldScope(row.user, s));
  // audited (token.use) and lastUsedAt/lastUsedIp written in the background, at most once a minute per token
  noteTokenUse({
    tokenId: row.id,
    tokenName: row.name,
    actor: { id: row.user.id, email: row.user.email },
    ip,
    method: request?.method ?? "?",
    path: request?.path ?? "?",
  });
  return {
    id: row.user.id,
    email: row.user.email,
    name: row.user.name,
    role: row.user.role,
    mustChangePassword: false,
    via: "token",
    scopes,
    tokenId: row.id,
    tokenName: row.name,
  };
}

/** Resolves the actor from request headers; null when there is no credential at all. */
export async function actorFromHeaders(
  headers: Headers,
  ip: string | null,
  request?: TokenUseRequest,
): Promise<Actor | null> {
  const authorization = headers.get("authorization");
  if (authorization && /^Bearer\s/i.test(authorization)) return actorFromBearer(authorization, ip, request);
  return actorFromSession(headers.get("cookie"));
}
