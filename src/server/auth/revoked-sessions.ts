// Sign-out ends the session on the server too: each session cookie carries a random id (`sid`), and signing out
// records it here, so a copy of the cookie taken before is refused (actor.ts). Per session rather than per user
// (sessionVersion + 1 would sign the user out on every device, which sign-out on a shared lab computer should not).
// A row is kept until every cookie with that id has expired: SESSION_MAX_AGE after the last time anyone used it
// (next-auth re-issues the cookie with a later expiry on each session refresh, so a refresh extends the row).
import { env } from "@/env";
import { db } from "@/server/db/client";

const keepUntil = (now: Date) => new Date(now.getTime() + env().SESSION_MAX_AGE_HOURS * 3600 * 1000);

export async function revokeSession(sid: string, userId: string, now = new Date()): Promise<void> {
  const expiresAt = keepUntil(now);
  await db().revokedSession.upsert({ where: { sid }, create: { sid, userId, expiresAt }, update: { expiresAt } });
  await db().revokedSession.deleteMany({ where: { expiresAt: { lt: now } } });
}

export async function isSessionRevoked(sid: string): Promise<boolean> {
  return (await db().revokedSession.count({ where: { sid } })) > 0;
}

/** A revoked cookie being refreshed: keep its row alive as long as the refreshed copy. */
export async function extendRevocation(sid: string, now = new Date()): Promise<boolean> {
  const r = await db().revokedSession.updateMany({ where: { sid }, data: { expiresAt: keepUntil(now) } });
  return r.count > 0;
}
