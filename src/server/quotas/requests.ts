// "I need more": a student or teacher asks for hours, machines or resources with a reason; an admin approves
// (extra hours, or new limits as a per-user override) or denies with a reason. A class's teacher may decide
// hours requests for that class (granting the class's hours). Deciding is one conditional update (PENDING →
// …) in the same transaction as the grant, so two admins clicking at once cannot grant twice. Both sides see
// the status live ("quota.request" events) and every step is audited.
import type { QuotaRequest } from "@/generated/sqlite/client";
import { recordAudit } from "@/server/audit/record";
import type { Actor } from "@/server/auth/actor";
import type { Ctx } from "@/server/auth/ctx";
import {
  isAdmin,
  isStudent,
  loadTaughtClass,
  mayDecideRequest,
  mayViewRequest,
  taughtClassesWhere,
} from "@/server/auth/permissions";
import { db } from "@/server/db/client";
import { publish } from "@/server/events/bus";
import { AppError, conflict, invalid, notFound } from "@/server/http/app-error";
import { formatMb } from "./enforce";
import { grantHours } from "./hours";
import { effectiveLimits, type LimitField } from "./limits";
import type { TApproveRequest, TCreateRequest, TListRequestsQuery, TRequestRow } from "./routes";
import { publishQuotaChanged } from "./user-quota";

const MAX_PENDING = 10;

type Kind = TRequestRow["kind"];
type Amount = { amount: number; resource?: string | null };

const RESOURCE_LABEL: Record<string, string> = {
  maxRunning: "running machines",
  maxVcpus: "vCPUs",
  maxMemoryMb: "memory",
  maxDiskGb: "disk",
};

/** "10 hours", "2 more machines", "4 GB more memory". Pure. */
export function requestSummary(kind: Kind, amount: number, resource?: string | null): string {
  if (kind === "HOURS") return `${amount} ${amount === 1 ? "hour" : "hours"}`;
  if (kind === "MACHINES") return `${amount} more ${amount === 1 ? "machine" : "machines"}`;
  switch (resource) {
    case "maxMemoryMb":
      return `${formatMb(amount)} more memory`;
    case "maxDiskGb":
      return `${amount} GB more disk`;
    case "maxVcpus":
      return `${amount} more ${amount === 1 ? "vCPU" : "vCPUs"}`;
    case "maxRunning":
      return `${amount} more running ${amount === 1 ? "machine" : "machines"}`;
    default:
      return `${amount} more ${RESOURCE_LABEL[resource ?? ""] ?? "resources"}`;
  }
}

function parseAmount(r: QuotaRequest): Amount {
  try {
    const v = JSON.parse(r.amount) as Amount;
    return { amount: Number(v.amount) || 0, resource: v.resource ?? null };
  } catch {
    return { amount: 0, resource: null };
  }
}

const requestInclude = {
  user: { select: { id: true, name: true, email: true, role: true } },
  decidedBy: { select: { id: true, name: true } },
} as const;
type RequestWith = QuotaRequest & {
  user: { id: string; name: string; email: string; role: string };
  decidedBy: { id: string; name: string } | null;
};

async function classNames(ids: (string | null)[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((x): x is string => Boolean(x)))];
  if (!wanted.length) return new Map();
  const classes = await db().class.findMany({ where: { id: { in: wanted } }, select: { id: true, name: true } });
  return new Map(classes.map((c) => [c.id, c.name]));
}

function toRow(r: RequestWith, names: Map<string, string>): TRequestRow {
  const { amount, resource } = parseAmount(r);
  const kind = r.kind as Kind;
  return {
    id: r.id,
    user: r.user,
    classId: r.classId,
    className: r.classId ? (names.get(r.classId) ?? null) : null,
    kind,
    amount,
    resource: resource ?? null,
    summary: requestSummary(kind, amount, resource),
    reason: r.reason,
    status: r.status as TRequestRow["status"],
    decidedBy: r.decidedBy,
    decidedAt: r.decidedAt?.toISOString() ?? null,
    decisionNote: r.decisionNote,
    granted: r.granted,
    createdAt: r.createdAt.toISOString(),
  };
}

async function loadRow(id: string): Promise<TRequestRow> {
  const r = await db().quotaRequest.findUnique({ where: { id }, include: requestInclude });
  if (!r) throw notFound("This request");
  return toRow(r, await classNames([r.classId]));
}

async function classTeachers(classId: string | null): Promise<string[]> {
  if (!classId) return [];
  const c = await db().class.findUnique({
    where: { id: classId },
    select: { ownerId: true, coOwners: { select: { userId: true } } },
  });
  return c ? [c.ownerId, ...c.coOwners.map((o) => o.userId)] : [];
}

async function publishRequest(row: TRequestRow): Promise<void> {
  const teachers = row.kind === "HOURS" ? await classTeachers(row.classId) : [];
  publish({ type: "quota.request", audience: { userIds: [row.user.id, ...teachers], roles: ["ADMIN"] }, data: row });
}

export async function createRequest(ctx: Ctx, input: TCreateRequest): Promise<TRequestRow> {
  const { actor } = ctx;
  if (input.classId) {
    const c = await db().class.findUnique({
      where: { id: input.classId },
      select: {
        ownerId: true,
        coOwners: { where: { userId: actor.id }, select: { userId: true } },
        enrollments: { where: { userId: actor.id }, select: { id: true } },
      },
    });
    if (!c || (c.ownerId !== actor.id && c.coOwners.length === 0 && c.enrollments.length === 0))
      throw invalid({ classId: "You are not in this class." });
  }
  const pending = await db().quotaRequest.count({ where: { userId: actor.id, status: "PENDING" } });
  if (pending >= MAX_PENDING)
    throw conflict(`You already have ${pending} pending requests. Wait for an answer, or withdraw one first.`);
  const created = await db().quotaRequest.create({
    data: {
      userId: actor.id,
      classId: input.classId ?? null,
      kind: input.kind,
      amount: JSON.stringify({
        amount: input.amount,
        ...(input.kind === "RESOURCES" ? { resource: input.resource } : {}),
      }),
      reason: input.reason,
    },
  });
  const row = await loadRow(created.id);
  await recordAudit({
    ...ctx,
    action: "quota.request.create",
    target: { type: "quota-request", id: row.id, name: row.summary },
    details: { kind: row.kind, amount: row.amount, resource: row.resource, classId: row.classId },
  });
  await publishRequest(row);
  return row;
}

export async function listRequests(actor: Actor, query: TListRequestsQuery) {
  let where: Record<string, unknown>;
  if (query.scope === "all") {
    if (!isAdmin(actor)) throw new AppError("FORBIDDEN", "Only admins see every request.");
    where = {};
  } else if (query.scope === "classes") {
    if (isStudent(actor)) throw new AppError("FORBIDDEN", "Only teachers see their classes' requests.");
    const classes = await db().class.findMany({ where: taughtClassesWhere(actor), select: { id: true } });
    where = { classId: { in: classes.map((c) => c.id) }, kind: "HOURS", userId: { not: actor.id } };
  } else {
    where = { userId: actor.id };
  }
  const statusWhere = query.status === "ALL" ? where : { ...where, status: query.status };
  const [items, total, pending] = await Promise.all([
    db().quotaRequest.findMany({
      where: statusWhere,
      include: requestInclude,
      orderBy: { createdAt: "desc" },
      skip: (query.page - 1) * query.pageSize,
      take: query.pageSize,
    }),
    db().quotaRequest.count({ where: statusWhere }),
    db().quotaRequest.count({ where: { ...where, status: "PENDING" } }),
  ]);
  const names = await classNames(items.map((r) => r.classId));
  return { items: items.map((r) => toRow(r, names)), total, pending, page: query.page, pageSize: query.pageSize };
}

const alreadyDecided = (status: string) => conflict(`This request was already ${status.toLowerCase()}.`);

async function loadForDecision(actor: Actor, id: string): Promise<QuotaRequest> {
  const r = await db().quotaRequest.findUnique({ where: { id } });
  if (!r) throw notFound("This request");
  if (!mayDecideRequest(actor, r, await loadTaughtClass(r.classId)))
    throw new AppError(
      "FORBIDDEN",
      isAdmin(actor) ? undefined : "Teachers decide hours requests for their own classes only; ask an admin.",
    );
  if (r.status !== "PENDING") throw alreadyDecided(r.status);
  return r;
}

export async function approveRequest(ctx: Ctx, id: string, input: TApproveRequest): Promise<TRequestRow> {
  const { actor } = ctx;
  const r = await loadForDecision(actor, id);
  const { amount, resource } = parseAmount(r);
  const byAdmin = isAdmin(actor);
  if (!byAdmin && input.limits) throw new AppError("FORBIDDEN", "Teachers grant hours; new limits are for admins.");

  // what to grant: what was asked unless the approver says otherwise
  let hours: number | null = input.hours ?? (r.kind === "HOURS" ? amount : null);
  let limits: Partial<Record<LimitField, number | null>> | null = input.limits ? { ...input.limits } : null;
  if (!limits && r.kind !== "HOURS") {
    const field: LimitField = r.kind === "MACHINES" ? "maxMachines" : ((resource as LimitField | null) ?? "maxRunning");
    const current = (await effectiveLimits(r.userId))[field];
    if (current !== null) limits = { [field]: current + amount };
  }
  if (!hours && !limits && r.kind === "HOURS") hours = amount;
  let hoursClassId: string | null = null;
  if (hours) {
    hoursClassId = byAdmin ? (input.classId !== undefined ? input.classId : r.classId) : r.classId;
    if (hoursClassId) {
      const enrolled = await db().enrollment.findUnique({
        where: { classId_userId: { classId: hoursClassId, userId: r.userId } },
        select: { id: true },
      });
      if (!enrolled) {
        // the class's budget does not apply to someone who is not its student: the plan's budget does
        if (!byAdmin || input.classId) throw invalid({ classId: "The requester is not a student of this class." });
        hoursClassId = null;
      }
    }
  }
  const granted = { ...(hours ? { hours, classId: hoursClassId } : {}), ...(limits ? { limits } : {}) };

  await db().$transaction(async (tx) => {
    const claimed = await tx.quotaRequest.updateMany({
      where: { id, status: "PENDING" },
      data: {
        status: "APPROVED",
        decidedById: actor.id,
        decidedAt: new Date(),
        decisionNote: input.note || null,
        granted: JSON.stringify(granted),
      },
    });
    if (claimed.count !== 1) {
      const now = await tx.quotaRequest.findUnique({ where: { id }, select: { status: true } });
      throw alreadyDecided(now?.status ?? "decided");
    }
    if (hours) await grantHours(r.userId, hoursClassId, hours, tx);
    if (limits) {
      const values = Object.fromEntries(Object.entries(limits).filter(([, v]) => v !== undefined));
      const note = `Request ${id} approved by ${actor.email}`;
      await tx.quotaOverride.upsert({
        where: { userId: r.userId },
        create: { userId: r.userId, ...values, note },
        update: { ...values, note },
      });
    }
  });
  const row = await loadRow(id);
  await recordAudit({
    ...ctx,
    action: "quota.request.approve",
    target: { type: "quota-request", id, name: row.summary },
    details: { userId: r.userId, granted, ...(input.note ? { note: input.note } : {}) },
  });
  await publishRequest(row);
  publishQuotaChanged(r.userId);
  return row;
}

export async function denyRequest(ctx: Ctx, id: string, reason: string): Promise<TRequestRow> {
  const { actor } = ctx;
  const r = await loadForDecision(actor, id);
  const claimed = await db().quotaRequest.updateMany({
    where: { id, status: "PENDING" },
    data: { status: "DENIED", decidedById: actor.id, decidedAt: new Date(), decisionNote: reason },
  });
  if (claimed.count !== 1)
    throw alreadyDecided(
      (await db().quotaRequest.findUnique({ where: { id }, select: { status: true } }))?.status ?? "decided",
    );
  const row = await loadRow(id);
  await recordAudit({
    ...ctx,
    action: "quota.request.deny",
    target: { type: "quota-request", id, name: row.summary },
    details: { userId: r.userId, reason },
  });
  await publishRequest(row);
  return row;
}

export async function cancelRequest(ctx: Ctx, id: string): Promise<TRequestRow> {
  const { actor } = ctx;
  const r = await db().quotaRequest.findUnique({ where: { id } });
  if (!r || !mayViewRequest(actor, r)) throw notFound("This request");
  if (r.userId !== actor.id)
    throw new AppError("FORBIDDEN", "Only the person who asked can withdraw a request; deny it instead.");
  const claimed = await db().quotaRequest.updateMany({
    where: { id, status: "PENDING" },
    data: { status: "CANCELLED", decidedAt: new Date() },
  });
  if (claimed.count !== 1) throw alreadyDecided(r.status);
  const row = await loadRow(id);
  await recordAudit({
    ...ctx,
    action: "quota.request.cancel",
    target: { type: "quota-request", id, name: row.summary },
    details: null,
  });
  await publishRequest(row);
  return row;
}
