// Plans: named limit sets an admin edits. Each role may have a default plan (Student, Teacher); users with a plan
// of their own use that. The defaults are made at start-up when there are no plans at all.
import type { Plan } from "@/generated/sqlite/client";
import { recordAudit } from "@/server/audit/record";
import type { Ctx } from "@/server/auth/ctx";
import { db } from "@/server/db/client";
import { isUniqueViolation } from "@/server/db/errors";
import { AppError, conflict, notFound } from "@/server/http/app-error";
import { LIMIT_FIELDS, type LimitValues } from "./limits";
import type { TPlan, TPlanInput, TPlanUpdate } from "./routes";

type Seed = { name: string; description: string; defaultFor: string | null } & LimitValues;

export const DEFAULT_PLANS: Seed[] = [
  {
    name: "Student",
    description: "Default for students. Lab hours come from each class's budget.",
    defaultFor: "STUDENT",
    maxMachines: 5,
    maxRunning: 2,
    maxVcpus: 4,
    maxMemoryMb: 8192,
    maxDiskGb: 80,
    hoursPerMonth: null,
  },
  {
    name: "Teacher",
    description: "Default for teachers.",
    defaultFor: "TEACHER",
    maxMachines: 20,
    maxRunning: 10,
    maxVcpus: 16,
    maxMemoryMb: 32768,
    maxDiskGb: 400,
    hoursPerMonth: null,
  },
  {
    name: "Staff",
    description: "No limits. Assign it to people who run the labs.",
    defaultFor: null,
    maxMachines: null,
    maxRunning: null,
    maxVcpus: null,
    maxMemoryMb: null,
    maxDiskGb: null,
    hoursPerMonth: null,
  },
];

/** Creates the default plans when there are none (several instances may start at once: duplicates are ignored). */
export async function ensureDefaultPlans(log?: (line: string) => void): Promise<number> {
  if ((await db().plan.count()) > 0) return 0;
  let made = 0;
  for (const plan of DEFAULT_PLANS) {
    try {
      await db().plan.create({ data: plan });
      made++;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
  }
  if (made) log?.(`✓ quotas: ${made} default plan(s) created (Student, Teacher, Staff)`);
  return made;
}

export function toPlan(p: Plan & { _count?: { users: number } }): TPlan {
  return {
    id: p.id,
    name: p.name,
    description: p.description,
    defaultFor: (p.defaultFor as TPlan["defaultFor"]) ?? null,
    maxMachines: p.maxMachines,
    maxRunning: p.maxRunning,
    maxVcpus: p.maxVcpus,
    maxMemoryMb: p.maxMemoryMb,
    maxDiskGb: p.maxDiskGb,
    hoursPerMonth: p.hoursPerMonth,
    userCount: p._count?.users ?? 0,
    updatedAt: p.updatedAt.toISOString(),
  };
}

export async function listPlans(): Promise<{ items: TPlan[] }> {
  const plans = await db().plan.findMany({
    include: { _count: { select: { users: true } } },
    orderBy: { name: "asc" },
  });
  return { items: plans.map(toPlan) };
}

function limitData(input: Partial<LimitValues>) {
  const data: Partial<LimitValues> = {};
  for (const f of LIMIT_FIELDS) if (input[f] !== undefined) data[f] = input[f];
  return data;
}

const nameTaken = (name: string) => conflict(`A plan named "${name}" already exists.`, { name: "This name is taken." });

export async function createPlan(ctx: Ctx, input: TPlanInput): Promise<TPlan> {
  const plan = await db()
    .$transaction(async (tx) => {
      // a role has at most one default plan: the new one takes it over
      if (input.defaultFor)
        await tx.plan.updateMany({ where: { defaultFor: input.defaultFor }, data: { defaultFor: null } });
      return tx.plan.create({
        data: {
          name: input.name,
          description: input.description ?? "",
          defaultFor: input.defaultFor ?? null,
          ...limitData(input),
        },
        include: { _count: { select: { users: true } } },
      });
    })
    .catch((error) => {
      throw isUniqueViolation(error) ? nameTaken(input.name) : error;
    });
  await recordAudit({
    ...ctx,
    action: "quota.plan.create",
    target: { type: "plan", id: plan.id, name: plan.name },
    details: { ...limitData(input), defaultFor: plan.defaultFor },
  });
  return toPlan(plan);
}

export async function updatePlan(ctx: Ctx, id: string, input: TPlanUpdate): Promise<TPlan> {
  const before = await db().plan.findUnique({ where: { id } });
  if (!before) throw notFound("This plan");
  const plan = await db()
    .$transaction(async (tx) => {
      if (input.defaultFor)
        await tx.plan.updateMany({
          where: { defaultFor: input.defaultFor, id: { not: id } },
          data: { defaultFor: null },
        });
      return tx.plan.update({
        where: { id },
        data: {
          ...(input.name !== undefined ? { name: input.name } : {}),
          ...(input.description !== undefined ? { description: input.description } : {}),
          ...(input.defaultFor !== undefined ? { defaultFor: input.defaultFor } : {}),
          ...limitData(input),
        },
        include: { _count: { select: { users: true } } },
      });
    })
    .catch((error) => {
      throw isUniqueViolation(error) ? nameTaken(input.name ?? "") : error;
    });
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const key of ["name", "description", "defaultFor", ...LIMIT_FIELDS] as const) {
    if (before[key] !== plan[key]) changes[key] = { from: before[key], to: plan[key] };
  }
  await recordAudit({
    ...ctx,
    action: "quota.plan.update",
    target: { type: "plan", id, name: plan.name },
    details: changes,
  });
  return toPlan(plan);
}

/**
 * Deleting a plan people are on is refused with their number, unless moveUsers: then they go back to their
 * role's default plan (what the database does anyway when the plan goes).
 */
export async function deletePlan(ctx: Ctx, id: string, moveUsers: boolean): Promise<void> {
  const plan = await db().plan.findUnique({ where: { id }, include: { _count: { select: { users: true } } } });
  if (!plan) throw notFound("This plan");
  const users = plan._count.users;
  if (plan.defaultFor) {
    // without a default plan every user of that role would be unlimited: make that a deliberate step
    throw new AppError(
      "IN_USE",
      `Plan ${plan.name} is the default for ${plan.defaultFor.toLowerCase()}s. Make another plan their default first (or clear "default for" on this one; users of that role are then unlimited).`,
    );
  }
  if (users > 0 && !moveUsers) {
    throw new AppError(
      "IN_USE",
      `${users} ${users === 1 ? "user is" : "users are"} on plan ${plan.name}. Assign them another plan first, or delete with moveUsers=true to move them back to their role's default plan.`,
    );
  }
  await db().$transaction(async (tx) => {
    if (users > 0) await tx.user.updateMany({ where: { planId: id }, data: { planId: null } });
    await tx.plan.delete({ where: { id } });
  });
  await recordAudit({
    ...ctx,
    action: "quota.plan.delete",
    target: { type: "plan", id, name: plan.name },
    details: { movedUsers: users, defaultFor: plan.defaultFor },
  });
}
