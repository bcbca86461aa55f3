// Jobs: multi-machine work with per-item status. Items run with bounded concurrency in this process; every
// step is written to the database first, so a crash (kill -9) leaves a record that recoverJobs() uses at the
// next start: an item caught in the middle is cleaned up on the host and run again, the rest resume.

import { env } from "@/env";
import type { Job, JobItem } from "@/generated/sqlite/client";
import type { JobKind } from "@/lib/job-kinds";
import { instanceId, liveInstances } from "@/server/cluster/instance";
import { db } from "@/server/db/client";
import { publish } from "@/server/events/bus";
import { notFound } from "@/server/http/app-error";
import { addLogFields, logger, withLogFields } from "@/server/log";
import { observeJob } from "@/server/metrics/record";
import { mapLimit } from "@/server/providers/exec";

export type JobHandler = {
  /** Does one item's work; throws with a readable message when it fails. */
  run(item: JobItem, job: Job): Promise<void>;
  /** Removes whatever a run interrupted by a crash may have left on a host (must be idempotent). */
  cleanup(item: JobItem, job: Job): Promise<void>;
  /** After the last item (whatever the outcome): for example mark a class ready. Errors are logged. */
  finish?(job: Job): Promise<void>;
  /**
   * Makes a FAILED item ready to run again (jobs/retry.ts); a kind without it cannot be retried item by item.
   * Returns false when the item can no longer be retried (its machine was deleted meanwhile).
   */
  prepareRetry?(item: JobItem, job: Job): Promise<boolean>;
};

const globalForJobs = globalThis as unknown as {
  __labJobHandlers?: Map<string, JobHandler>;
  __labJobsRunning?: Set<string>;
};
const handlers = () => {
  globalForJobs.__labJobHandlers ??= new Map();
  return globalForJobs.__labJobHandlers;
};
const running = () => {
  globalForJobs.__labJobsRunning ??= new Set();
  return globalForJobs.__labJobsRunning;
};

/** Installs the handler table (jobs/handlers.ts, at startup): one handler per job kind. */
export function setJobHandlers(table: Record<JobKind, JobHandler>): void {
  for (const [kind, handler] of Object.entries(table)) handlers().set(kind, handler);
}

export function jobHandler(kind: string): JobHandler | undefined {
  return handlers().get(kind);
}

export type JobView = {
  id: string;
  kind: string;
  title: string;
  status: string;
  total: number;
  done: number;
  failed: number;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  items: { position: number; label: string; machineId: string | null; status: string; error: string | null }[];
  /** The class a class job (deploy, pool, publish, join) belongs to. */
  classId?: string | null;
  /** When failed items are retried automatically (pools), or null. */
  retryAt?: string | null;
  /** Whether failed items can be retried (jobs/retry.ts). */
  retryable?: boolean;
};

/** The fields of a job's JSON payload the job views read. */
export function jobPayload(payload: string): {
  classId?: string;
  retryAt?: string;
  autoRetries?: number;
  [k: string]: unknown;
} {
  try {
    const p = JSON.parse(payload) as unknown;
    return p && typeof p === "object" ? (p as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export function jobView(job: Job & { items: JobItem[] }): JobView {
  const p = jobPayload(job.payload);
  return {
    id: job.id,
    kind: job.kind,
    title: job.title,
    status: job.status,
    total: job.total,
    done: job.done,
    failed: job.failed,
    error: job.error,
    createdAt: job.createdAt.toISOString(),
    startedAt: job.startedAt?.toISOString() ?? null,
    finishedAt: job.finishedAt?.toISOString() ?? null,
    items: job.items
      .sort((a, b) => a.position - b.position)
      .map((i) => ({ position: i.position, label: i.label, machineId: i.machineId, status: i.status, error: i.error })),
    classId: typeof p.classId === "string" ? p.classId : null,
    retryAt: typeof p.retryAt === "string" && job.failed > 0 ? p.retryAt : null,
    retryable:
      job.failed > 0 && !["PENDING", "RUNNING"].includes(job.status) && Boolean(handlers().get(job.kind)?.prepareRetry),
  };
}

export async function getJob(id: string): Promise<JobView> {
  const job = await db().job.findUnique({ where: { id }, include: { items: true } });
  if (!job) throw notFound("This job");
  return jobView(job);
}

function publishJob(job: Pick<Job, "id" | "createdById" | "status" | "done" | "failed" | "total" | "title">) {
  publish({
    type: "job.updated",
    audience: { userIds: job.createdById ? [job.createdById] : [], roles: ["ADMIN"] },
    data: { id: job.id, status: job.status, done: job.done, failed: job.failed, total: job.total, title: job.title },
  });
}

/** Starts a job in the background (it must already exist with its items). */
export function startJob(jobId: string): void {
  if (running().has(jobId)) return;
  running().add(jobId);
  // every line logged while the job runs (its handler's included) carries jobId and kind, and the request's ids
  void withLogFields({ jobId }, () => runJob(jobId))
    .catch((error) => logger().error({ err: error, jobId }, "[jobs] job crashed"))
    .finally(() => running().delete(jobId));
}

async function runJob(jobId: string): Promise<void> {
  const started = performance.now();
  const job = await db().job.update({
    where: { id: jobId },
    data: { status: "RUNNING", startedAt: new Date(), ownerPid: process.pid, ownerInstance: instanceId() },
    include: { items: true },
  });
  addLogFields({ kind: job.kind });
  const handler = handlers().get(job.kind);
  if (!handler) {
    await db().job.update({
      where: { id: jobId },
      data: { status: "FAILED", error: `No handler for jobs of kind ${job.kind}.`, finishedAt: new Date() },
    });
    return;
  }
  publishJob(job);
  const pending = job.items.filter((i) => i.status === "PENDING").sort((a, b) => a.position - b.position);
  await mapLimit(pending, env().JOB_CONCURRENCY, async (item) => {
    await db().jobItem.update({ where: { id: item.id }, data: { status: "RUNNING", startedAt: new Date() } });
    let error: string | null = null;
    try {
      await withLogFields({ itemId: item.id, machineId: item.machineId ?? undefined }, () => handler.run(item, job));
    } catch (e) {
      error = (e as Error)?.message ?? String(e);
      logger().warn({ err: e, itemId: item.id, machineId: item.machineId ?? undefined }, "[jobs] item failed");
    }
    await db().jobItem.update({
      where: { id: item.id },
      data: { status: error ? "FAILED" : "DONE", error, finishedAt: new Date() },
    });
    const updated = await db().job.update({
      where: { id: jobId },
      data: error ? { failed: { increment: 1 } } : { done: { increment: 1 } },
    });
    publishJob(updated);
  });
  // the counters are recounted from the items: a crash between an item's update and the job's increment
  // (recovered at the next start) must not leave them one short
  const [done, failed] = await Promise.all([
    db().jobItem.count({ where: { jobId, status: "DONE" } }),
    db().jobItem.count({ where: { jobId, status: "FAILED" } }),
  ]);
  const final = await db().job.findUniqueOrThrow({ where: { id: jobId } });
  const status = failed === 0 ? "SUCCEEDED" : done === 0 ? "FAILED" : "PARTIAL";
  const finished = await db().job.update({
    where: { id: jobId },
    data: {
      status,
      done,
      failed,
      finishedAt: new Date(),
      ownerPid: null,
      ownerInstance: null,
      error: failed ? `${failed} of ${final.total} failed.` : null,
    },
  });
  observeJob(job.kind, status, started);
  await handler.finish?.(finished).catch((error) => logger().error({ err: error }, "[jobs] finishing the job failed"));
  publishJob(finished);
}

/** A PENDING job no instance has started this long after its creation was left by one that died. */
const UNSTARTED_MS = 2 * 60_000;

/**
 * Jobs left RUNNING or PENDING by an instance that is gone (at start, and at every instance heartbeat): each is
 * claimed with a conditional update on its owner, so one instance takes it over; its interrupted items are
 * cleaned up on their host and run again, and the job continues with what was left. Jobs of live instances
 * are theirs.
 */
export async function recoverJobs(log: (line: string) => void = () => {}): Promise<number> {
  const candidates = await db().job.findMany({
    where: { status: { in: ["PENDING", "RUNNING"] } },
    select: { id: true, status: true, ownerInstance: true, createdAt: true },
  });
  if (!candidates.length) return 0;
  const live = await liveInstances();
  let recovered = 0;
  for (const c of candidates) {
    if (running().has(c.id)) continue;
    const orphaned = c.ownerInstance
      ? !live.has(c.ownerInstance)
      : c.status === "RUNNING" || Date.now() - c.createdAt.getTime() > UNSTARTED_MS;
    if (!orphaned) continue;
    const claimed = await db().job.updateMany({
      where: { id: c.id, status: c.status, ownerInstance: c.ownerInstance },
      data: { ownerInstance: instanceId() },
    });
    if (claimed.count !== 1) continue;
    const job = await db().job.findUniqueOrThrow({ where: { id: c.id }, include: { items: true } });
    const handler = handlers().get(job.kind);
    const interrupted = job.items.filter((i) => i.status === "RUNNING");
    for (const item of interrupted) {
      try {
        await handler?.cleanup(item, job);
        await db().jobItem.update({
          where: { id: item.id },
          data: { status: "PENDING", startedAt: null, error: null },
        });
      } catch (error) {
        await db().jobItem.update({
          where: { id: item.id },
          data: {
            status: "FAILED",
            error: `Interrupted by a restart and could not be cleaned up: ${(error as Error).message}`,
            finishedAt: new Date(),
          },
        });
        await db().job.update({ where: { id: job.id }, data: { failed: { increment: 1 } } });
      }
    }
    log(`↻ resuming job ${job.id} (${job.title}): ${interrupted.length} interrupted item(s) cleaned up`);
    startJob(job.id);
    recovered++;
  }
  return recovered;
}

/** Waits until a job has finished (scripts and tests). */
export async function waitForJob(jobId: string, timeoutMs = 600_000): Promise<JobView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await getJob(jobId);
    if (!["PENDING", "RUNNING"].includes(job.status)) return job;
    if (Date.now() > deadline) throw new Error(`Job ${jobId} did not finish in time (${job.done}/${job.total}).`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
