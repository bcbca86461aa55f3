// Addresses a user has signed in from before. The per-account sign-in lock counts only strangers' attempts: an
// address that once signed in to the account has a counter of its own (same limit), so guessing from elsewhere
// cannot lock the owner out, while every stranger shares the account's lock. Stored as an HMAC of user id and
// address under the auth secret, so the table does not reveal where anyone signs in from.
import { createHmac } from "node:crypto";
import { db } from "@/server/db/client";
import { authSecret } from "./secret";

/** A known address is trusted this long after its last successful sign-in. */
const REMEMBER_MS = 180 * 24 * 3600 * 1000;

export function knownAddressKey(userId: string, ip: string): string {
  return createHmac("sha256", authSecret()).update(`${userId}\n${ip}`).digest("base64url");
}

/** Whether `userId` has signed in from `ip` within the remembered period. Asks the database even without a user (same time). */
export async function isKnownAddress(
  userId: string | null,
  ip: string | null,
  now = new Date(),
): Promise<string | null> {
  if (!ip) return null;
  const key = knownAddressKey(userId ?? "-", ip);
  const row = await db().knownSignIn.findUnique({ where: { key }, select: { lastSeenAt: true, userId: true } });
  return row && userId && row.userId === userId && now.getTime() - row.lastSeenAt.getTime() < REMEMBER_MS ? key : null;
}

export async function rememberAddress(userId: string, ip: string | null, now = new Date()): Promise<void> {
  if (!ip) return;
  const key = knownAddressKey(userId, ip);
  await db().knownSignIn.upsert({
    where: { key },
    create: { key, userId, lastSeenAt: now },
    update: { lastSeenAt: now },
  });
}

/** After a password change or reset: the addresses an intruder may have used are strangers again. */
export async function forgetAddresses(userId: string): Promise<void> {
  await db().knownSignIn.deleteMany({ where: { userId } });
}
