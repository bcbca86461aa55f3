// Lab hours: running time metered per user, class ("" = outside a class) and month, and extra time granted.
// Two budgets apply to a machine's run: the plan's hours per month (all classes together, plus hours granted
// outside a class) and, for a student of a class, the class's hours per student (plus hours granted for it).
import { db } from "@/server/db/client";
import { isUniqueViolation } from "@/server/db/errors";
import { type DbClientOrTx, effectiveLimits } from "./limits";
import { monthKey } from "./month";

export { monthKey };

export type HoursBudget = {
  /** the budget in seconds (limit + granted); null = unlimited */
  totalSeconds: number | null;
  usedSeconds: number;
  grantedSeconds: number;
  /** null = unlimited; never below 0 */
  leftSeconds: number | null;
};

export type HoursBreakdown = {
  month: string;
  plan: HoursBudget;
  /** null when no class was asked for, or the user is not a student of it (teachers are not held to it) */
  class: (HoursBudget & { classId: string; className: string; hoursPerStudent: number }) | null;
  /** the smaller of the two; null = unlimited */
  leftSeconds: number | null;
};

function budget(limitHours: number | null, grantedSeconds: number, usedSeconds: number): HoursBudget {
  if (limitHours === null) return { totalSeconds: null, usedSeconds, grantedSeconds, leftSeconds: null };
  const totalSeconds = limitHours * 3600 + grantedSeconds;
  return { totalSeconds, usedSeconds, grantedSeconds, leftSeconds: Math.max(0, totalSeconds - usedSeconds) };
}

/** The smaller of two "seconds left" values where null is unlimited. */
export function minLeft(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.min(a, b);
}

/** Whether the user is held to the class's hours: enrolled, and neither its owner nor a co-owner. */
async function studentClass(userId: string, classId: string, client: DbClientOrTx) {
  const cls = await client.class.findUnique({
    where: { id: classId },
    select: {
      id: true,
      name: true,
      ownerId: true,
      hoursPerStudent: true,
      coOwners: { where: { userId }, select: { userId: true } },
      enrollments: { where: { userId }, select: { id: true } },
    },
  });
  if (!cls || cls.ownerId === userId || cls.coOwners.length > 0 || cls.enrollments.length === 0) return null;
  return cls;
}

export async function hoursBreakdown(
  userId: string,
  classId: string | null,
  client: DbClientOrTx = db(),
  at: Date = new Date(),
): Promise<HoursBreakdown> {
  const month = monthKey(at);
  const [limits, rows] = await Promise.all([
    effectiveLimits(userId, client),
    client.usageMonth.findMany({ where: { userId, month } }),
  ]);
  const usedAll = rows.reduce((sum, r) => sum + r.usedSeconds, 0);
  const grantedPlan = rows.find((r) => r.classKey === "")?.grantedSeconds ?? 0;
  const plan = budget(limits.hoursPerMonth, grantedPlan, usedAll);
  let cls: HoursBreakdown["class"] = null;
  if (classId) {
    const c = await studentClass(userId, classId, client);
    if (c) {
      const row = rows.find((r) => r.classKey === classId);
      const b = budget(
        c.hoursPerStudent > 0 ? c.hoursPerStudent : null,
        row?.grantedSeconds ?? 0,
        row?.usedSeconds ?? 0,
      );
      cls = { ...b, classId: c.id, className: c.name, hoursPerStudent: c.hoursPerStudent };
    }
  }
  return { month, plan, class: cls, leftSeconds: minLeft(plan.leftSeconds, cls?.leftSeconds ?? null) };
}

/** Seconds of lab time the user has left this month for a machine in this class (or outside classes); null = unlimited. */
export async function hoursLeftSeconds(
  userId: string,
  classId: string | null,
  client: DbClientOrTx = db(),
): Promise<number | null> {
  return (await hoursBreakdown(userId, classId, client)).leftSeconds;
}

async function bump(
  userId: string,
  classId: string | null,
  month: string,
  field: "usedSeconds" | "grantedSeconds",
  seconds: number,
  client: DbClientOrTx,
) {
  const classKey = classId ?? "";
  const args = {
    where: { userId_classKey_month: { userId, classKey, month } },
    create: { userId, classKey, classId: classId ?? null, month, [field]: seconds },
    update: { [field]: { increment: seconds } },
  };
  try {
    await client.usageMonth.upsert(args);
  } catch (error) {
    // two first writes of a month at once: the loser's insert collides; the row exists now, so increment it
    if (!isUniqueViolation(error)) throw error;
    await client.usageMonth.update({ where: args.where, data: args.update });
  }
}

/** Extra hours for this month: for one class (its budget) or, with no class, the plan's budget. */
export async function grantHours(
  userId: string,
  classId: string | null,
  hours: number,
  client: DbClientOrTx = db(),
): Promise<void> {
  await bump(userId, classId, monthKey(), "grantedSeconds", Math.round(hours * 3600), client);
}

/** Adds metered running time (atomic increment). */
export async function addUsage(
  userId: string,
  classId: string | null,
  seconds: number,
  at: Date = new Date(),
  client: DbClientOrTx = db(),
): Promise<void> {
  if (seconds <= 0) return;
  await bump(userId, classId, monthKey(at), "usedSeconds", Math.round(seconds), client);
}
