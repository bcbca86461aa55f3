// Revoking a token: one conditional update (revoking twice changes nothing and is audited once), then every
// console opened with the token on this instance is closed. Requests stop at once because every request
// re-reads the token (src/server/auth/actor.ts).
import { ERRORS } from "@/lib/errors";
import { recordAudit } from "@/server/audit/record";
import type { Ctx } from "@/server/auth/ctx";
import { kickSessions, TOKEN_REVOKED_REASON } from "@/server/console/sessions";
import { db } from "@/server/db/client";
import { notFound } from "@/server/http/app-error";
import type { TAdminTokenRow } from "./routes";
import { toAdminTokenRow, tokenOwnerSelect, tokenRowSelect } from "./token-row";

/** Revokes token `id`; with `ownerId`, only a token of that user (anyone else's is "not found"). */
export async function revokeToken(ctx: Ctx, id: string, options: { ownerId?: string } = {}): Promise<TAdminTokenRow> {
  const { actor } = ctx;
  const select = { ...tokenRowSelect, ...tokenOwnerSelect };
  const before = await db().apiToken.findUnique({ where: { id }, select: { ...select, userId: true } });
  if (!before || (options.ownerId !== undefined && before.userId !== options.ownerId)) throw notFound("This API token");
  if (before.revokedAt) return toAdminTokenRow(before);

  const claimed = await db().apiToken.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date() } });
  const after = await db().apiToken.findUniqueOrThrow({ where: { id }, select });
  if (claimed.count === 1) {
    const consolesClosed = await kickSessions({ tokenId: id }, TOKEN_REVOKED_REASON, ERRORS.CONSOLE_CLOSED.ws);
    await recordAudit({
      ...ctx,
      action: "token.revoke",
      target: { type: "token", id, name: before.name },
      details: { prefix: before.prefix, owner: before.user.email, byAdmin: before.userId !== actor.id, consolesClosed },
    });
  }
  return toAdminTokenRow(after);
}
