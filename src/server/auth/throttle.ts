// Sign-in throttling per account and per address. After `max` consecutive failures a key is locked for
// 30 s, doubling with each further failure up to LOGIN_LOCK_MAX_SECONDS. Counters fade after an hour of quiet.
// Kept in the database so several portal instances share them.
import { db } from "@/server/db/client";

const BASE_LOCK_SECONDS = 30;
const FORGET_AFTER_MS = 60 * 60 * 1000;

/** Seconds a key is locked after its `failures`-th failure (0 = not locked). Pure, for tests. */
export function lockSecondsAfter(failures: number, max: number, maxLockSeconds: number): number {
  if (failures < max) return 0;
  return Math.min(maxLockSeconds, BASE_LOCK_SECONDS * 2 ** Math.min(failures - max, 20));
}

/** Seconds until the first of `keys` unlocks, or 0 when none is locked. */
export async function lockedFor(keys: string[], now = new Date()): Promise<number> {
  const rows = await db().loginThrottle.findMany({ where: { key: { in: keys }, lockedUntil: { gt: now } }, select: { lockedUntil: true } });
  const until = Math.max(0, ...rows.map((r) => r.lockedUntil!.getTime()));
  return until ? Math.ceil((until - now.getTime()) / 1000) : 0;
}

export async function recordFailure(key: string, max: number, maxLockSeconds: number, now = new Date()): Promise<void> {
  const existing = await db().loginThrottle.findUnique({ where: { key } });
  const stale = existing && now.getTime() - existing.updatedAt.getTime() > FORGET_AFTER_MS;
  const failures = !existing || stale ? 1 : existing.failures + 1;
  const lock = lockSecondsAfter(failures, max, maxLockSeconds);
  const lockedUntil = lock ? new Date(now.getTime() + lock * 1000) : null;
  await db().loginThrottle.upsert({
    where: { key },
    create: { key, failures, lockedUntil },
    update: { failures, lockedUntil },
  });
}

export async function clearFailures(key: string): Promise<void> {
  await db().loginThrottle.deleteMany({ where: { key } });
}
