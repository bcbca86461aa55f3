// Coordinates: which portal instances are alive.
// This process among the portal instances sharing the database. Its name is host, pid and a random part; it
// holds the lease `instance:<name>` (the Lease table) and renews it every INSTANCE_HEARTBEAT_SECONDS, with the
// beats that go with it (its consoles, jobs of instances that died). An instance whose lease ran out died: its
// consoles are closed and its jobs taken over. On the same host a dead pid tells it at once (a restart after a
// crash resumes work without waiting for the lease to run out).
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { env } from "@/env";
import { db } from "@/server/db/client";
import { logger } from "@/server/log";

const LEASE_PREFIX = "instance:";
type InstanceState = { id?: string; timer?: NodeJS.Timeout; beats?: Beat[] };
const g = globalThis as unknown as { __labInstance?: InstanceState };
const state = (): InstanceState => {
  g.__labInstance ??= {};
  return g.__labInstance;
};

export function instanceId(): string {
  const s = state();
  s.id ??= `${hostname().replace(/[^A-Za-z0-9.-]/g, "_")}-${process.pid}-${randomBytes(4).toString("hex")}`;
  return s.id;
}

export const heartbeatMs = () => env().INSTANCE_HEARTBEAT_SECONDS * 1000;
/** An instance (or one of its console rows) not heard of for this long is dead. */
export const deadAfterMs = () => 3 * heartbeatMs() + 2000;
/** Rows (consoles) last marked before this belong to an instance that stopped marking them. */
export const staleBefore = () => new Date(Date.now() - deadAfterMs());

/** True when `id` names a process on this host that no longer runs (pure apart from the process table). */
export function goneFromThisHost(id: string): boolean {
  const m = /^(.*)-(\d+)-[0-9a-f]+$/.exec(id);
  if (!m || m[1] !== hostname().replace(/[^A-Za-z0-9.-]/g, "_") || Number(m[2]) === process.pid) return false;
  try {
    process.kill(Number(m[2]), 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}

/** The instances alive now (this one included): their lease is valid and, on this host, their process runs. */
export async function liveInstances(): Promise<Set<string>> {
  const rows = await db().lease.findMany({
    where: { name: { startsWith: LEASE_PREFIX }, expiresAt: { gt: new Date() } },
    select: { name: true },
  });
  const live = new Set(rows.map((r) => r.name.slice(LEASE_PREFIX.length)).filter((id) => !goneFromThisHost(id)));
  live.add(instanceId());
  return live;
}

type Beat = () => Promise<unknown>;

async function renew(): Promise<void> {
  const name = LEASE_PREFIX + instanceId();
  const expiresAt = new Date(Date.now() + deadAfterMs());
  await db().lease.upsert({
    where: { name },
    create: { name, holder: instanceId(), expiresAt },
    update: { expiresAt },
  });
}

/** Takes this instance's lease and starts the heartbeat with `beats` (each runs after the renewal, one at a time). */
export async function startInstance(beats: Beat[]): Promise<void> {
  const s = state();
  if (s.timer) return;
  s.beats = beats;
  let busy = false;
  const tick = async () => {
    if (busy) return;
    busy = true;
    try {
      await renew().catch((error) => logger().error({ err: error }, "[instance] could not renew the instance lease"));
      for (const beat of s.beats ?? [])
        await beat().catch((error) => logger().error({ err: error }, "[instance] heartbeat failed"));
    } finally {
      busy = false;
    }
  };
  s.timer = setInterval(() => void tick(), heartbeatMs());
  s.timer.unref();
  await tick();
}

/**
 * Stops the heartbeat. The lease is left to run out rather than given back: jobs of this process run until it
 * exits, and another instance must not clean up their items meanwhile (on this host the exit itself tells).
 */
export function stopInstance(): void {
  const s = state();
  clearInterval(s.timer);
  s.timer = undefined;
}
