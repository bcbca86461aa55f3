// Atomic quota enforcement. One database transaction first writes the user's row (a no-op update that takes the
// row lock on PostgreSQL and the database write lock on SQLite), so concurrent checks for one user — in this
// process or another portal instance — run one after the other; then usage and limits are read, and the
// caller's claim (a conditional state update, machine rows) runs in the same transaction. Two starts can never
// both see "one left".
import type { Prisma } from "@/generated/sqlite/client";
import { db } from "@/server/db/client";
import { AppError } from "@/server/http/app-error";
import { countQuotaRefusal } from "@/server/metrics/record";
import { hoursBreakdown } from "./hours";
import { effectiveLimits, type Limits, type Usage, usageOf } from "./limits";

export type QuotaChange = {
  machines?: number;
  running?: number;
  vcpus?: number;
  memoryMb?: number;
  diskGb?: number;
  /** refuse when no lab hours are left for a machine in this class (null: outside classes) */
  hoursFor?: { classId: string | null };
};

export type Tx = Prisma.TransactionClient;

const TX_OPTIONS = { maxWait: 20_000, timeout: 30_000 };

type Check = { key: keyof Omit<QuotaChange, "hoursFor">; limit: keyof Limits; usage: keyof Usage };
const CHECKS: Check[] = [
  { key: "machines", limit: "maxMachines", usage: "machines" },
  { key: "running", limit: "maxRunning", usage: "running" },
  { key: "vcpus", limit: "maxVcpus", usage: "vcpus" },
  { key: "memoryMb", limit: "maxMemoryMb", usage: "memoryMb" },
  { key: "diskGb", limit: "maxDiskGb", usage: "diskGb" },
];

/** "512 MB", "8 GB", "1.5 GB". */
export function formatMb(mb: number): string {
  if (mb < 1024) return `${mb} MB`;
  const gb = mb / 1024;
  return `${Number.isInteger(gb) ? gb : gb.toFixed(1)} GB`;
}

/** The refusal for one limit: which limit, the current usage, what the request needed and what to do. */
export function quotaMessage(
  key: Check["key"],
  used: number,
  limit: number,
  adding: number,
  planName?: string | null,
): string {
  const plan = planName ? ` (plan ${planName})` : "";
  switch (key) {
    case "machines":
      return `Machines: ${used} of ${limit} in use${plan} — ${adding === 1 ? "one more" : `${adding} more`} would go over the limit. Delete a machine or request more.`;
    case "running":
      return `Running machines: ${used} of ${limit} in use${plan} — stop another machine first, or request more.`;
    case "vcpus":
      return `vCPUs: ${used} of ${limit} in use by running machines${plan} — this needs ${adding} more. Stop a machine first, or request more.`;
    case "memoryMb":
      return `Memory: ${formatMb(used)} of ${formatMb(limit)} in use by running machines${plan} — this needs ${formatMb(adding)} more. Stop a machine first, or request more.`;
    case "diskGb":
      return `Disk: ${used} of ${limit} GB in use${plan} — this needs ${adding} GB more. Delete a machine or request more.`;
  }
}

/** The first limit the change would go over, as a message; null when it fits. Pure. */
export function firstExceeded(limits: Limits, usage: Usage, change: QuotaChange): string | null {
  return firstExceededLimit(limits, usage, change)?.message ?? null;
}

/** The first limit the change would go over (which one, and the message); null when it fits. Pure. */
function firstExceededLimit(
  limits: Limits,
  usage: Usage,
  change: QuotaChange,
): { key: Check["key"]; message: string } | null {
  for (const c of CHECKS) {
    const adding = change[c.key] ?? 0;
    const limit = limits[c.limit] as number | null;
    if (adding <= 0 || limit === null) continue;
    const used = usage[c.usage];
    if (used + adding > limit)
      return { key: c.key, message: quotaMessage(c.key, used, limit, adding, limits.planName) };
  }
  return null;
}

/** Serialises quota checks for one user until the surrounding transaction ends. */
export async function lockUserForQuota(tx: Tx, userId: string): Promise<boolean> {
  const n = await tx.$executeRaw`UPDATE "User" SET "sessionVersion" = "sessionVersion" WHERE "id" = ${userId}`;
  return n > 0;
}

/**
 * Inside a transaction you already have: lock the user's row, then throw QUOTA_EXCEEDED if the change does not
 * fit. Call it before the claim, in the same transaction.
 */
export async function checkQuotaInTx(tx: Tx, userId: string, change: QuotaChange): Promise<void> {
  if (!(await lockUserForQuota(tx, userId))) return;
  const [limits, usage] = await Promise.all([effectiveLimits(userId, tx), usageOf(userId, tx)]);
  const exceeded = firstExceededLimit(limits, usage, change);
  if (exceeded) {
    countQuotaRefusal(exceeded.key);
    throw new AppError("QUOTA_EXCEEDED", exceeded.message);
  }
  if (change.hoursFor) {
    const hours = await hoursBreakdown(userId, change.hoursFor.classId, tx);
    if (hours.leftSeconds !== null && hours.leftSeconds <= 0) {
      countQuotaRefusal("hours");
      const classOut = hours.class && hours.class.leftSeconds !== null && hours.class.leftSeconds <= 0;
      throw new AppError(
        "QUOTA_EXCEEDED",
        classOut
          ? `No lab hours left this month for ${hours.class?.className}: ${fmtHours(hours.class?.usedSeconds ?? 0)} of ${fmtHours(hours.class?.totalSeconds ?? 0)} used. Ask your teacher or request more hours.`
          : `No lab hours left this month: ${fmtHours(hours.plan.usedSeconds)} of ${fmtHours(hours.plan.totalSeconds ?? 0)} used${limits.planName ? ` (plan ${limits.planName})` : ""}. Request more hours.`,
      );
    }
  }
}

/** "10 h", "2.5 h". */
export function fmtHours(seconds: number): string {
  const h = seconds / 3600;
  return `${Number.isInteger(h) ? h : h.toFixed(1)} h`;
}

/**
 * One transaction: lock the user's row, check the change against their limits (QUOTA_EXCEEDED naming the limit
 * and the usage), then run fn (the claim) in the same transaction.
 */
export async function withQuota<T>(userId: string, change: QuotaChange, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db().$transaction(async (tx) => {
    await checkQuotaInTx(tx, userId, change);
    return fn(tx);
  }, TX_OPTIONS);
}

/**
 * A class machine given to a student (join, pool assignment): one more machine and its disk for the student.
 * fn assigns it (sets ownerId or creates the row) inside the same transaction.
 */
export async function withAssignQuota<T>(userId: string, diskGb: number, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return withQuota(userId, { machines: 1, diskGb }, fn);
}
