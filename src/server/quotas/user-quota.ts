// Per-user quota: the admin's usage table, plan assignment and overrides, hours grants, and "my quota".
import type { Plan, QuotaOverride } from "@/generated/sqlite/client";
import { recordAudit } from "@/server/audit/record";
import type { Actor } from "@/server/auth/actor";
import type { Ctx } from "@/server/auth/ctx";
import { isAdmin, teachesClassId } from "@/server/auth/permissions";
import { db } from "@/server/db/client";
import { publish } from "@/server/events/bus";
import { AppError, invalid, notFound } from "@/server/http/app-error";
import { grantHours, type HoursBreakdown, hoursBreakdown } from "./hours";
import {
  addMachineGroup,
  effectiveLimits,
  emptyUsage,
  LIMIT_FIELDS,
  type Limits,
  mergeLimits,
  type Usage,
  usageOf,
} from "./limits";
import { monthKey } from "./month";
import type {
  TGrantHours,
  TMyQuota,
  TQuotaList,
  TQuotaListQuery,
  TQuotaUserDetail,
  TQuotaUserRow,
  TUpdateUserQuota,
} from "./routes";

type UserLite = {
  id: string;
  email: string;
  name: string;
  role: "ADMIN" | "TEACHER" | "STUDENT";
  disabledAt: Date | null;
  planId: string | null;
};

function effectivePlan(user: UserLite, plans: Plan[]): Plan | null {
  const own = user.planId ? plans.find((p) => p.id === user.planId) : undefined;
  if (own) return own;
  if (user.role === "ADMIN") return null;
  return plans.find((p) => p.defaultFor === user.role) ?? null;
}

function overrideOut(o: QuotaOverride | null | undefined): TQuotaUserRow["override"] {
  if (!o) return null;
  return {
    maxMachines: o.maxMachines,
    maxRunning: o.maxRunning,
    maxVcpus: o.maxVcpus,
    maxMemoryMb: o.maxMemoryMb,
    maxDiskGb: o.maxDiskGb,
    hoursPerMonth: o.hoursPerMonth,
    note: o.note,
  };
}

function planHours(limits: Limits, used: number, granted: number) {
  if (limits.hoursPerMonth === null) return { total: null, left: null };
  const total = limits.hoursPerMonth * 3600 + granted;
  return { total, left: Math.max(0, total - used) };
}

function row(
  user: UserLite,
  limits: Limits,
  override: QuotaOverride | null | undefined,
  usage: Usage,
  grantedPlan: number,
): TQuotaUserRow {
  const hours = planHours(limits, usage.hoursUsedSeconds, grantedPlan);
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    disabled: user.disabledAt !== null,
    ownPlanId: user.planId,
    limits,
    override: overrideOut(override),
    usage,
    hoursTotalSeconds: hours.total,
    hoursLeftSeconds: hours.left,
  };
}

const userSelect = { id: true, email: true, name: true, role: true, disabledAt: true, planId: true } as const;

const SORT_VALUE: Record<TQuotaListQuery["sort"], (r: TQuotaUserRow) => string | number> = {
  name: (r) => r.name.toLowerCase(),
  email: (r) => r.email,
  role: (r) => r.role,
  plan: (r) => (r.limits.planName ?? "").toLowerCase(),
  machines: (r) => r.usage.machines,
  running: (r) => r.usage.running,
  vcpus: (r) => r.usage.vcpus,
  memory: (r) => r.usage.memoryMb,
  disk: (r) => r.usage.diskGb,
  hours: (r) => r.usage.hoursUsedSeconds,
};

export async function listQuotaUsage(query: TQuotaListQuery): Promise<TQuotaList> {
  const month = monthKey();
  const q = query.q?.trim().toLowerCase();
  const [users, plans, overrides, machines, hours] = await Promise.all([
    db().user.findMany({
      where: { ...(query.role ? { role: query.role } : {}), ...(q ? { searchText: { contains: q } } : {}) },
      select: userSelect,
    }),
    db().plan.findMany(),
    db().quotaOverride.findMany(),
    db().machine.groupBy({
      by: ["ownerId", "state"],
      where: { ownerId: { not: null }, state: { not: "DELETING" } },
      _count: { _all: true },
      _sum: { vcpus: true, memoryMb: true, diskGb: true },
    }),
    db().usageMonth.findMany({
      where: { month },
      select: { userId: true, classKey: true, usedSeconds: true, grantedSeconds: true },
    }),
  ]);
  const overrideBy = new Map(overrides.map((o) => [o.userId, o]));
  const usageBy = new Map<string, Usage>();
  const grantedBy = new Map<string, number>();
  const usageFor = (id: string) => {
    let u = usageBy.get(id);
    if (!u) {
      u = emptyUsage();
      usageBy.set(id, u);
    }
    return u;
  };
  for (const g of machines) {
    if (!g.ownerId) continue;
    addMachineGroup(usageFor(g.ownerId), g);
  }
  for (const h of hours) {
    usageFor(h.userId).hoursUsedSeconds += h.usedSeconds;
    if (h.classKey === "") grantedBy.set(h.userId, (grantedBy.get(h.userId) ?? 0) + h.grantedSeconds);
  }
  let rows = users.map((user) => {
    const plan = effectivePlan(user, plans);
    const override = overrideBy.get(user.id) ?? null;
    return row(user, mergeLimits(plan, override), override, usageFor(user.id), grantedBy.get(user.id) ?? 0);
  });
  if (query.planId)
    rows = rows.filter((r) => (query.planId === "none" ? r.limits.planId === null : r.limits.planId === query.planId));
  const value = SORT_VALUE[query.sort];
  const sign = query.dir === "desc" ? -1 : 1;
  rows.sort((a, b) => {
    const x = value(a);
    const y = value(b);
    if (x < y) return -sign;
    if (x > y) return sign;
    return a.email < b.email ? -1 : 1;
  });
  const start = (query.page - 1) * query.pageSize;
  return {
    items: rows.slice(start, start + query.pageSize),
    total: rows.length,
    page: query.page,
    pageSize: query.pageSize,
    month,
  };
}

export async function quotaRowFor(userId: string): Promise<TQuotaUserRow> {
  const user = await db().user.findUnique({ where: { id: userId }, select: { ...userSelect, quotaOverride: true } });
  if (!user) throw notFound("User");
  const [limits, usage, planRow] = await Promise.all([
    effectiveLimits(userId),
    usageOf(userId),
    db().usageMonth.findUnique({ where: { userId_classKey_month: { userId, classKey: "", month: monthKey() } } }),
  ]);
  return row(user, limits, user.quotaOverride, usage, planRow?.grantedSeconds ?? 0);
}

/** Tells a user's open pages that their limits or hours changed. */
export function publishQuotaChanged(userId: string): void {
  publish({ type: "quota.changed", audience: { userIds: [userId] }, data: { userId } });
}

export async function updateUserQuota(ctx: Ctx, userId: string, input: TUpdateUserQuota): Promise<TQuotaUserRow> {
  const user = await db().user.findUnique({
    where: { id: userId },
    select: { id: true, email: true, planId: true, quotaOverride: true },
  });
  if (!user) throw notFound("User");
  const details: Record<string, unknown> = {};
  if (input.planId !== undefined) {
    if (input.planId !== null && !(await db().plan.findUnique({ where: { id: input.planId }, select: { id: true } })))
      throw invalid({ planId: "No such plan." });
    if (input.planId !== user.planId) {
      await db().user.update({ where: { id: userId }, data: { planId: input.planId } });
      details.plan = { from: user.planId, to: input.planId };
    }
  }
  if (input.override === null) {
    if (user.quotaOverride) {
      await db().quotaOverride.delete({ where: { userId } });
      details.override = null;
    }
  } else if (input.override !== undefined) {
    const values: Record<string, number | null> = {};
    for (const f of LIMIT_FIELDS) if (input.override[f] !== undefined) values[f] = input.override[f] ?? null;
    const note = input.override.note;
    await db().quotaOverride.upsert({
      where: { userId },
      create: { userId, ...values, ...(note !== undefined ? { note } : {}) },
      update: { ...values, ...(note !== undefined ? { note } : {}) },
    });
    details.override = { ...values, ...(note ? { note } : {}) };
  }
  if (Object.keys(details).length) {
    await recordAudit({
      ...ctx,
      action: "quota.user.update",
      target: { type: "user", id: userId, name: user.email },
      details,
    });
    publishQuotaChanged(userId);
  }
  return quotaRowFor(userId);
}

/**
 * Extra hours for this month. Admins: for anyone, into a class's budget (the user must be its student) or the
 * plan's. Teachers: for students of a class they teach, into that class's budget.
 */
export async function grantHoursAction(
  ctx: Ctx,
  input: TGrantHours,
  extra?: { requestId?: string },
): Promise<HoursBreakdown> {
  const { actor } = ctx;
  const user = await db().user.findUnique({ where: { id: input.userId }, select: { id: true, email: true } });
  if (!user) throw invalid({ userId: "No such user." });
  const classId = input.classId ?? null;
  let className: string | null = null;
  if (!isAdmin(actor)) {
    if (!classId) throw new AppError("FORBIDDEN", "Teachers grant hours for a class they teach: choose the class.");
    if (!(await teachesClassId(actor, classId)))
      throw new AppError("FORBIDDEN", "You can grant hours only for classes you teach.");
  }
  if (classId) {
    const c = await db().class.findUnique({
      where: { id: classId },
      select: { name: true, enrollments: { where: { userId: user.id }, select: { id: true } } },
    });
    if (!c) throw invalid({ classId: "No such class." });
    if (c.enrollments.length === 0) throw invalid({ classId: `${user.email} is not a student of ${c.name}.` });
    className = c.name;
  }
  await grantHours(user.id, classId, input.hours);
  await recordAudit({
    ...ctx,
    action: "quota.hours.grant",
    target: { type: "user", id: user.id, name: user.email },
    details: {
      hours: input.hours,
      classId,
      className,
      month: monthKey(),
      ...(input.note ? { note: input.note } : {}),
      ...(extra?.requestId ? { requestId: extra.requestId } : {}),
    },
  });
  publishQuotaChanged(user.id);
  return hoursBreakdown(user.id, classId);
}

/** Hours this month for each class the user is a student of. */
async function classHours(userId: string): Promise<TMyQuota["classes"]> {
  const enrollments = await db().enrollment.findMany({
    where: { userId },
    select: { classId: true },
    orderBy: { createdAt: "asc" },
  });
  const classes: TMyQuota["classes"] = [];
  for (const e of enrollments) {
    const b = await hoursBreakdown(userId, e.classId);
    if (b.class) classes.push({ ...b.class, leftSecondsOverall: b.leftSeconds });
  }
  return classes;
}

export async function quotaDetailFor(userId: string): Promise<TQuotaUserDetail> {
  const [row, classes] = await Promise.all([quotaRowFor(userId), classHours(userId)]);
  return { ...row, classes };
}

export async function myQuota(actor: Actor): Promise<TMyQuota> {
  const [limits, usage, overall, classes] = await Promise.all([
    effectiveLimits(actor.id),
    usageOf(actor.id),
    hoursBreakdown(actor.id, null),
    classHours(actor.id),
  ]);
  return { month: overall.month, limits, usage, hours: overall.plan, classes };
}
