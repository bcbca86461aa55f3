// Retrying a finished job's failed items, by hand (the jobs page, the class page) or automatically with backoff
// (a class pool's machines: 1, 5, then 15 minutes, at most AUTO_RETRY_MINUTES.length times). The job is claimed
// with one conditional update (FAILED/PARTIAL → PENDING), so two clicks or two instances never run it twice;
// each item's handler makes it runnable again (a FAILED machine back to PROVISIONING) and the job runs the
// PENDING items as usual.
import type { Job } from "@/generated/sqlite/client";
import { recordAudit } from "@/server/audit/record";
import type { Ctx } from "@/server/auth/ctx";
import { instanceId } from "@/server/cluster/instance";
import { db } from "@/server/db/client";
import { AppError, conflict } from "@/server/http/app-error";
import { logger } from "@/server/log";
import { getJobFor } from "@/server/machines/list";
import { getJob, type JobView, jobHandler, jobPayload, startJob } from "./jobs";

/** Minutes before each automatic retry of a pool's failed machines. */
export const AUTO_RETRY_MINUTES = [1, 5, 15];

/** Runs the job's failed items again (all of them, or only `itemIds`). Returns how many were retried. */
export async function retryFailedItems(
  jobId: string,
  options: { itemIds?: string[]; auto?: boolean } = {},
): Promise<number> {
  const job = await db().job.findUnique({ where: { id: jobId }, include: { items: true } });
  if (!job) throw new AppError("NOT_FOUND", "This job was not found.");
  const handler = jobHandler(job.kind);
  if (!handler?.prepareRetry) throw conflict("This kind of job cannot be retried item by item.");
  if (["PENDING", "RUNNING"].includes(job.status))
    throw conflict("This job is still running; wait for it to finish before retrying.");
  const failed = job.items.filter((i) => i.status === "FAILED" && (!options.itemIds || options.itemIds.includes(i.id)));
  if (!failed.length) throw conflict("This job has no failed items to retry.");
  const payload = jobPayload(job.payload);
  // a retry by hand starts the automatic backoff over; an automatic one counts
  const next = { ...payload, retryAt: undefined, autoRetries: options.auto ? (payload.autoRetries ?? 0) + 1 : 0 };
  const claimed = await db().job.updateMany({
    where: { id: jobId, status: job.status },
    data: {
      status: "PENDING",
      finishedAt: null,
      error: null,
      ownerInstance: instanceId(),
      payload: JSON.stringify(next),
    },
  });
  if (claimed.count !== 1) throw conflict("This job is being retried already.");
  let retried = 0;
  for (const item of failed) {
    const ok = await handler.prepareRetry(item, job).catch((error) => {
      logger().warn({ err: error, jobId, itemId: item.id }, "[jobs] a failed item cannot be retried");
      return false;
    });
    if (!ok) continue;
    await db().jobItem.update({
      where: { id: item.id },
      data: { status: "PENDING", error: null, startedAt: null, finishedAt: null },
    });
    retried++;
  }
  await db().job.update({ where: { id: jobId }, data: { failed: { decrement: retried } } });
  startJob(jobId);
  return retried;
}

/** The retry route: the job's creator, the class's teachers (class jobs) and admins. */
export async function retryJob(ctx: Ctx, jobId: string): Promise<JobView> {
  const { actor } = ctx;
  const visible = await getJobFor(actor, jobId); // not found for anyone else
  const retried = await retryFailedItems(jobId);
  await recordAudit({
    ...ctx,
    action: "job.retry",
    target: { type: "job", id: jobId, name: visible.title },
    details: { items: retried },
  });
  return getJob(jobId);
}

/**
 * After a job finished with failed pool machines: schedules the next automatic retry (payload.retryAt) while
 * attempts are left, and says so on each failed pool machine. Returns the time, or null when attempts ran out.
 */
export async function scheduleAutoRetry(job: Job): Promise<Date | null> {
  const ids = await autoRetryItemIds(job.id);
  if (!ids.length) return null;
  const payload = jobPayload(job.payload);
  const attempt = payload.autoRetries ?? 0;
  const minutes = AUTO_RETRY_MINUTES[attempt];
  const at = minutes === undefined ? null : new Date(Date.now() + minutes * 60_000);
  await db().job.update({
    where: { id: job.id },
    data: { payload: JSON.stringify({ ...payload, retryAt: at?.toISOString() }) },
  });
  const items = await db().jobItem.findMany({ where: { id: { in: ids } }, select: { machineId: true } });
  for (const i of items) {
    const m = await db().machine.findUnique({
      where: { id: i.machineId as string },
      select: { id: true, stateDetail: true },
    });
    if (!m) continue;
    const base = (m.stateDetail ?? "Could not be created.").replace(
      / (Retrying automatically|No automatic retries left).*$/,
      "",
    );
    const note = at
      ? ` Retrying automatically at ${at.toISOString().slice(11, 16)} UTC (attempt ${attempt + 1} of ${AUTO_RETRY_MINUTES.length}).`
      : ` No automatic retries left: retry it from the class page or the jobs page.`;
    await db().machine.update({ where: { id: m.id }, data: { stateDetail: `${base}${note}`.slice(0, 1000) } });
  }
  return at;
}

/** Jobs whose automatic retry is due (every instance sweeps; the claim in retryFailedItems keeps it to one). */
export async function runDueAutoRetries(): Promise<number> {
  const candidates = await db().job.findMany({
    where: { status: { in: ["FAILED", "PARTIAL"] }, payload: { contains: '"retryAt"' } },
    select: { id: true, payload: true },
    take: 50,
  });
  let n = 0;
  for (const c of candidates) {
    const at = jobPayload(c.payload).retryAt;
    if (!at || new Date(at).getTime() > Date.now()) continue;
    const ids = await autoRetryItemIds(c.id);
    if (!ids.length) {
      await db().job.update({
        where: { id: c.id },
        data: { payload: JSON.stringify({ ...jobPayload(c.payload), retryAt: undefined }) },
      });
      continue;
    }
    n += await retryFailedItems(c.id, { itemIds: ids, auto: true }).catch(() => 0);
  }
  return n;
}

/** A job's failed items that are retried automatically: those of pool machines (nobody waits on them). */
export async function autoRetryItemIds(jobId: string): Promise<string[]> {
  const items = await db().jobItem.findMany({
    where: { jobId, status: "FAILED", machineId: { not: null } },
    select: { id: true, machineId: true },
  });
  if (!items.length) return [];
  const pool = await db().machine.findMany({
    where: { id: { in: items.map((i) => i.machineId as string) }, role: "POOL", ownerId: null },
    select: { id: true },
  });
  const poolIds = new Set(pool.map((m) => m.id));
  return items.filter((i) => poolIds.has(i.machineId as string)).map((i) => i.id);
}
