// A person's own API tokens: list, create (the token is returned once; only its SHA-256 and a visible prefix
// are stored), revoke. Creating needs a signed-in session — a token that could mint tokens would turn one
// short-lived leaked token into access that outlives it.
import { recordAudit } from "@/server/audit/record";
import type { Actor } from "@/server/auth/actor";
import { newApiToken } from "@/server/auth/api-tokens";
import type { Ctx } from "@/server/auth/ctx";
import { mayHoldScope } from "@/server/auth/permissions";
import { db } from "@/server/db/client";
import { AppError, conflict } from "@/server/http/app-error";
import { revokeToken } from "./revoke";
import { type TCreatedToken, type TCreateToken, type TMyTokenList, TOKEN_ACTIVE_MAX, type TTokenRow } from "./routes";
import { statusWhere, tokenRowSelect, toTokenRow } from "./token-row";

const DAY_MS = 86_400_000;
/** Revoked and expired tokens stay listed (greyed) so a person can see what they had; the list is capped. */
const LIST_MAX = 200;

export async function listMyTokens(actor: Actor): Promise<TMyTokenList> {
  const rows = await db().apiToken.findMany({
    where: { userId: actor.id },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: LIST_MAX,
    select: tokenRowSelect,
  });
  return { items: rows.map(toTokenRow) };
}

export async function createMyToken(ctx: Ctx, input: TCreateToken): Promise<TCreatedToken> {
  const { actor } = ctx;
  if (actor.via === "token") {
    throw new AppError(
      "FORBIDDEN",
      "An API token cannot create API tokens. Sign in to the portal and create one on your profile page.",
    );
  }
  if (!input.scopes.every((s) => mayHoldScope(actor, s))) {
    throw new AppError(
      "FORBIDDEN",
      'Only administrators can create tokens with the "admin" scope. Choose "read" and/or "write".',
      {
        fields: { scopes: 'The "admin" scope is for administrators only.' },
      },
    );
  }
  const active = await db().apiToken.count({ where: { userId: actor.id, ...statusWhere("active") } });
  if (active >= TOKEN_ACTIVE_MAX) {
    throw conflict(
      `You already have ${active} active API tokens, the most allowed. Revoke one you no longer use first.`,
    );
  }
  const { token, prefix, hash } = newApiToken();
  const expiresAt = new Date(Date.now() + input.expiresInDays * DAY_MS);
  const row = await db().apiToken.create({
    data: { userId: actor.id, name: input.name, prefix, hash, scopes: input.scopes.join(" "), expiresAt },
    select: tokenRowSelect,
  });
  await recordAudit({
    ...ctx,
    action: "token.create",
    target: { type: "token", id: row.id, name: row.name },
    details: { prefix, scopes: input.scopes, expiresAt: expiresAt.toISOString(), days: input.expiresInDays },
  });
  return { ...toTokenRow(row), token };
}

export async function revokeMyToken(ctx: Ctx, id: string): Promise<TTokenRow> {
  const { actor } = ctx;
  const { owner: _owner, ...row } = await revokeToken(ctx, id, { ownerId: actor.id });
  return row;
}
