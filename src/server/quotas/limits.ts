// A user's limits (plan, or the plan for their role, with per-user overrides on top) and what they use now.
// null = unlimited. Pure merging lives in mergeLimits so it can be tested without a database.
import type { Prisma } from "@/generated/sqlite/client";
import { type Db, db } from "@/server/db/client";
import { monthKey } from "./month";

/** The Prisma client or a transaction's client (both have the same model API). */
export type DbClientOrTx = Db | Prisma.TransactionClient;

export type Limits = {
  maxMachines: number | null;
  maxRunning: number | null;
  maxVcpus: number | null;
  maxMemoryMb: number | null;
  maxDiskGb: number | null;
  hoursPerMonth: number | null;
  planId: string | null;
  planName: string | null;
};

export type Usage = {
  machines: number;
  running: number;
  vcpus: number;
  memoryMb: number;
  diskGb: number;
  hoursUsedSeconds: number;
};

export const LIMIT_FIELDS = [
  "maxMachines",
  "maxRunning",
  "maxVcpus",
  "maxMemoryMb",
  "maxDiskGb",
  "hoursPerMonth",
] as const;
export type LimitField = (typeof LIMIT_FIELDS)[number];
export type LimitValues = Record<LimitField, number | null>;

/** Machine states that count as running (they hold, or are about to hold, CPU and memory). */
export const RUNNING_STATES = ["STARTING", "RUNNING", "REBOOTING", "STOPPING"] as const;

/** In an override, this value means "unlimited" (null means "the plan's value"). */
export const UNLIMITED_OVERRIDE = -1;

export const UNLIMITED: LimitValues = {
  maxMachines: null,
  maxRunning: null,
  maxVcpus: null,
  maxMemoryMb: null,
  maxDiskGb: null,
  hoursPerMonth: null,
};

/**
 * The plan's values with the override's replacing them where the override has one (a negative override value =
 * unlimited). No plan: unlimited, apart from what the override sets.
 */
export function mergeLimits(
  plan: (Partial<LimitValues> & { id?: string; name?: string }) | null,
  override: Partial<LimitValues> | null,
): Limits {
  const out = { ...UNLIMITED, planId: plan?.id ?? null, planName: plan?.name ?? null } as Limits;
  for (const field of LIMIT_FIELDS) {
    const fromPlan = plan?.[field] ?? null;
    const fromOverride = override?.[field] ?? null;
    const value = fromOverride !== null ? fromOverride : fromPlan;
    out[field] = value === null || value < 0 ? null : value;
  }
  return out;
}

/** The plan that applies to a user: their own, else the default plan of their role (admins: none unless set). */
export async function planFor(user: { planId: string | null; role: string }, client: DbClientOrTx = db()) {
  if (user.planId) {
    const own = await client.plan.findUnique({ where: { id: user.planId } });
    if (own) return own;
  }
  if (user.role === "ADMIN") return null;
  return client.plan.findUnique({ where: { defaultFor: user.role } });
}

export async function effectiveLimits(userId: string, client: DbClientOrTx = db()): Promise<Limits> {
  const user = await client.user.findUnique({
    where: { id: userId },
    select: { planId: true, role: true, quotaOverride: true },
  });
  if (!user) return { ...UNLIMITED, planId: null, planName: null };
  const plan = await planFor(user, client);
  return mergeLimits(plan, user.quotaOverride);
}

export const emptyUsage = (): Usage => ({
  machines: 0,
  running: 0,
  vcpus: 0,
  memoryMb: 0,
  diskGb: 0,
  hoursUsedSeconds: 0,
});

/** Adds one (state) group of a user's machines: disk and count for all, vCPU and RAM for the running ones. */
export function addMachineGroup(
  usage: Usage,
  g: {
    state: string;
    _count: { _all: number };
    _sum: { vcpus: number | null; memoryMb: number | null; diskGb: number | null };
  },
): void {
  usage.machines += g._count._all;
  usage.diskGb += Number(g._sum.diskGb ?? 0);
  if ((RUNNING_STATES as readonly string[]).includes(g.state)) {
    usage.running += g._count._all;
    usage.vcpus += Number(g._sum.vcpus ?? 0);
    usage.memoryMb += Number(g._sum.memoryMb ?? 0);
  }
}

export async function usageOf(userId: string, client: DbClientOrTx = db()): Promise<Usage> {
  const owned = await client.machine.groupBy({
    by: ["state"],
    where: { ownerId: userId, state: { not: "DELETING" } },
    _count: { _all: true },
    _sum: { vcpus: true, memoryMb: true, diskGb: true },
  });
  const usage = emptyUsage();
  for (const g of owned) addMachineGroup(usage, g);
  const hours = await client.usageMonth.aggregate({
    where: { userId, month: monthKey() },
    _sum: { usedSeconds: true },
  });
  usage.hoursUsedSeconds = Number(hours._sum.usedSeconds ?? 0);
  return usage;
}
