// Coordinates: who may do a piece of work now, across portal instances (and within this process).
// Named locks.
// - withLock: in this process only. For things that are this process's own: a file it loads once, a management
//   socket it talks to.
// - withClusterLock: every portal instance on the database. For decisions made from the database and written
//   back to it or to a host: placement, pools, images per host, VPN certificates, SPICE passwords. It is a
//   lease row (the Lease table): taken with one insert, or one conditional update when the last holder's lease
//   ran out (it crashed); extended while the work runs; deleted at the end. Inside one process callers queue in
//   withLock first, so only one of them at a time asks the database. Works the same on SQLite and PostgreSQL.

import { instanceId } from "@/server/cluster/instance";
import { type Db, db } from "@/server/db/client";
import { isUniqueViolation } from "@/server/db/errors";
import { AppError } from "@/server/http/app-error";
import { logger } from "@/server/log";

const globalForLocks = globalThis as unknown as { __labLocks?: Map<string, Promise<unknown>> };

export async function withLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
  globalForLocks.__labLocks ??= new Map();
  const locks = globalForLocks.__labLocks;
  const previous = locks.get(name) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(fn);
  const tail = run.catch(() => undefined);
  locks.set(name, tail);
  try {
    return await run;
  } finally {
    if (locks.get(name) === tail) locks.delete(name);
  }
}

/** Leases taken by this process (a holder is the instance plus this number). */
let taken = 0;

export type LeaseOptions = {
  /** How long the lease lasts without being extended (it is extended every third of this while the work runs). */
  ttlMs?: number;
  /** How long to wait for another instance's lease before giving up with UNAVAILABLE. */
  waitMs?: number;
};
const DEFAULT_TTL_MS = 15_000;
const DEFAULT_WAIT_MS = 5 * 60_000;

/** Takes the lease `name` for `holder`, waiting while another holder's lease is valid. */
export async function acquireLease(
  database: Db,
  name: string,
  holder: string,
  options: LeaseOptions = {},
): Promise<void> {
  const ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
  const deadline = Date.now() + (options.waitMs ?? DEFAULT_WAIT_MS);
  for (let attempt = 0; ; attempt++) {
    const now = new Date();
    const expiresAt = new Date(now.getTime() + ttlMs);
    try {
      await database.lease.create({ data: { name, holder, expiresAt } });
      return;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
    const tookOver = await database.lease.updateMany({
      where: { name, expiresAt: { lt: now } },
      data: { holder, expiresAt },
    });
    if (tookOver.count === 1) return;
    if (Date.now() >= deadline)
      throw new AppError("UNAVAILABLE", "Another portal instance is busy with this right now. Try again in a moment.");
    // 2 ms doubling to 200 ms, with jitter so waiting instances do not ask in step
    await new Promise((r) => setTimeout(r, Math.min(2 * 2 ** attempt, 200) * (0.5 + Math.random())));
  }
}

/** Extends `holder`'s lease; false when it is no longer theirs (it ran out and another instance took it). */
export async function extendLease(
  database: Db,
  name: string,
  holder: string,
  ttlMs = DEFAULT_TTL_MS,
): Promise<boolean> {
  const res = await database.lease.updateMany({
    where: { name, holder },
    data: { expiresAt: new Date(Date.now() + ttlMs) },
  });
  return res.count === 1;
}

export async function releaseLease(database: Db, name: string, holder: string): Promise<void> {
  await database.lease.deleteMany({ where: { name, holder } });
}

/** Runs fn while holding `name` across every portal instance on the database (see the top of this file). */
export function withClusterLock<T>(name: string, fn: () => Promise<T>, options: LeaseOptions = {}): Promise<T> {
  return withLock(name, async () => {
    const holder = `${instanceId()}-${++taken}`;
    const ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
    await acquireLease(db(), name, holder, options);
    const heartbeat = setInterval(() => {
      extendLease(db(), name, holder, ttlMs).then(
        (still) =>
          still ||
          logger().warn(
            { lease: name },
            "[lock] lost the lease while working (the database was out of reach longer than the lease)",
          ),
        (error) => logger().warn({ err: error, lease: name }, "[lock] could not extend the lease"),
      );
    }, ttlMs / 3);
    heartbeat.unref();
    try {
      return await fn();
    } finally {
      clearInterval(heartbeat);
      await releaseLease(db(), name, holder).catch((error) =>
        logger().warn({ err: error, lease: name }, "[lock] could not release the lease (it runs out by itself)"),
      );
    }
  });
}
