// Sign-in throttling per account and per address. After `max` consecutive failures a key is locked for
// 30 s, doubling with each further failure up to LOGIN_LOCK_MAX_SECONDS. Counters fade after an hour of quiet.
// Kept in the database so several portal instances share them.
//
// Counting is atomic: an attempt first claims a slot (a compare-and-set on the failure count that also sets the
// lock this attempt would bring if it fails) and only then is the password verified. So N parallel wrong
// passwords get exactly `max` verifications; the rest find the key locked. A success clears (account) or gives
// back (address) its slot.
import { db } from "@/server/db/client";

const BASE_LOCK_SECONDS = 30;
const FORGET_AFTER_MS = 60 * 60 * 1000;
const MAX_CLAIM_ROUNDS = 200;

/** Seconds a key is locked after its `failures`-th failure (0 = not locked). Pure, for tests. */
export function lockSecondsAfter(failures: number, max: number, maxLockSeconds: number): number {
  if (failures < max) return 0;
  return Math.min(maxLockSeconds, BASE_LOCK_SECONDS * 2 ** Math.min(failures - max, 20));
}

const secondsUntil = (until: Date, now: Date) => Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));

/**
 * Claims one attempt on `key`: returns 0 when the caller may verify the password (the attempt is already counted
 * as a failure), or the seconds the key stays locked.
 */
export async function claimAttempt(
  key: string,
  max: number,
  maxLockSeconds: number,
  now = new Date(),
): Promise<number> {
  const lockAfter = (failures: number) => {
    const lock = lockSecondsAfter(failures, max, maxLockSeconds);
    return lock ? new Date(now.getTime() + lock * 1000) : null;
  };
  for (let round = 0; round < MAX_CLAIM_ROUNDS; round++) {
    const row = await db().loginThrottle.findUnique({ where: { key } });
    if (!row) {
      try {
        await db().loginThrottle.create({ data: { key, failures: 1, lockedUntil: lockAfter(1) } });
        return 0;
      } catch (error) {
        if ((error as { code?: unknown })?.code === "P2002") continue; // a parallel attempt created it first
        throw error;
      }
    }
    if (row.lockedUntil && row.lockedUntil > now) return secondsUntil(row.lockedUntil, now);
    const stale = now.getTime() - row.updatedAt.getTime() > FORGET_AFTER_MS;
    const failures = stale ? 1 : row.failures + 1;
    // compare-and-set: only one of several parallel attempts that read the same count wins this round
    const won = await db().loginThrottle.updateMany({
      where: { key, failures: row.failures },
      data: { failures, lockedUntil: lockAfter(failures) },
    });
    if (won.count === 1) return 0;
  }
  return BASE_LOCK_SECONDS; // extreme contention: refuse rather than verify uncounted
}

/** Gives back a slot claimed by an attempt that succeeded (for counters that a success does not clear). */
export async function releaseAttempt(key: string, max: number): Promise<void> {
  for (let round = 0; round < MAX_CLAIM_ROUNDS; round++) {
    const row = await db().loginThrottle.findUnique({ where: { key } });
    if (!row || row.failures <= 0) return;
    const failures = row.failures - 1;
    const won = await db().loginThrottle.updateMany({
      where: { key, failures: row.failures },
      data: { failures, ...(failures < max ? { lockedUntil: null } : {}) },
    });
    if (won.count === 1) return;
  }
}

export async function clearFailures(key: string): Promise<void> {
  await db().loginThrottle.deleteMany({ where: { key } });
}
