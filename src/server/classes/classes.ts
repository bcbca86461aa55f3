// Classes: create (a deploy job for the teacher's machine and the pool), settings, co-owners, archive, delete.
import type { Prisma } from "@/generated/sqlite/client";
import { parseConsoleKinds } from "@/lib/machine-states";
import { recordAudit } from "@/server/audit/record";
import type { Actor } from "@/server/auth/actor";
import { db } from "@/server/db/client";
import { AppError, invalid, notFound } from "@/server/http/app-error";
import { getJob, type JobView, jobPayload, startJob } from "@/server/jobs/jobs";
import { machineAction } from "@/server/machines/actions";
import { reserveMachines } from "@/server/machines/provision";
import { type ClassRole, classInclude, loadClassFor, publishClass, roleFrom } from "./access";
import type { TClassRow, TCreateClass, TUpdateClass } from "./routes";

type ClassWith = Prisma.ClassGetPayload<{ include: typeof classInclude }>;

/** What a class row shows beyond the class itself, read for many classes at once (a few queries, not per class). */
async function classFacts(classIds: string[], actorId: string) {
  const where = { classId: { in: classIds } };
  const [students, pool, teacherMachines, myMachines] = await Promise.all([
    db().enrollment.groupBy({ by: ["classId"], where, _count: { _all: true } }),
    db().machine.groupBy({
      by: ["classId"],
      where: { ...where, role: "POOL", ownerId: null, state: "STOPPED" },
      _count: { _all: true },
    }),
    db().machine.findMany({
      where: { ...where, role: "TEACHER" },
      select: { id: true, classId: true },
      orderBy: { createdAt: "asc" },
    }),
    db().machine.findMany({
      where: { ...where, role: "STUDENT", ownerId: actorId },
      select: { id: true, classId: true },
    }),
  ]);
  const first = (rows: { id: string; classId: string | null }[]) => {
    const out = new Map<string, string>();
    for (const r of rows) if (r.classId && !out.has(r.classId)) out.set(r.classId, r.id);
    return out;
  };
  return {
    students: new Map(students.map((r) => [r.classId, r._count._all])),
    poolReady: new Map(pool.map((r) => [r.classId as string, r._count._all])),
    teacherMachine: first(teacherMachines),
    myMachine: first(myMachines),
    ...(await classProblems(classIds)),
  };
}

/**
 * Per class: failed pool machines, when they are retried next, and the newest job with failed items (the
 * class's "Needs attention" links to it). Class jobs name their class in the payload.
 */
async function classProblems(classIds: string[]) {
  const poolFailed = new Map<string, number>();
  const poolRetryAt = new Map<string, string>();
  const attentionJob = new Map<string, string>();
  if (!classIds.length) return { poolFailed, poolRetryAt, attentionJob };
  const [failedPool, jobs] = await Promise.all([
    db().machine.groupBy({
      by: ["classId"],
      where: { classId: { in: classIds }, role: "POOL", ownerId: null, state: "FAILED" },
      _count: { _all: true },
    }),
    db().job.findMany({
      where: {
        status: { in: ["FAILED", "PARTIAL"] },
        OR: classIds.map((id) => ({ payload: { contains: `"classId":"${id}"` } })),
      },
      select: { id: true, payload: true },
      orderBy: { createdAt: "desc" },
      take: 500,
    }),
  ]);
  for (const r of failedPool) poolFailed.set(r.classId as string, r._count._all);
  for (const j of jobs) {
    const p = jobPayload(j.payload);
    if (!p.classId) continue;
    if (!attentionJob.has(p.classId)) attentionJob.set(p.classId, j.id);
    const known = poolRetryAt.get(p.classId);
    if (p.retryAt && (!known || p.retryAt < known)) poolRetryAt.set(p.classId, p.retryAt);
  }
  return { poolFailed, poolRetryAt, attentionJob };
}
type ClassFacts = Awaited<ReturnType<typeof classFacts>>;

function toClassRow(c: ClassWith, role: ClassRole, facts: ClassFacts): TClassRow {
  const t = c.baseTemplate ?? c.template;
  return {
    id: c.id,
    name: c.name,
    description: c.description,
    status: c.status,
    statusDetail: c.statusDetail,
    owner: c.owner,
    coOwners: c.coOwners.map((o) => o.user),
    template: t ? { id: t.id, name: t.name, kind: t.kind, consoleKinds: parseConsoleKinds(t.consoleKinds) } : null,
    baseVersion: c.baseVersion,
    hoursPerStudent: c.hoursPerStudent,
    idleMinutes: c.idleMinutes,
    isolatedNetwork: c.isolatedNetwork,
    maxStudents: c.maxStudents,
    poolSize: c.poolSize,
    rdpClipboard: c.rdpClipboard,
    keepDays: c.keepDays,
    students: facts.students.get(c.id) ?? 0,
    poolReady: facts.poolReady.get(c.id) ?? 0,
    archivedAt: c.archivedAt?.toISOString() ?? null,
    createdAt: c.createdAt.toISOString(),
    myRole: role,
    teacherMachineId: role === "student" ? null : (facts.teacherMachine.get(c.id) ?? null),
    myMachineId: facts.myMachine.get(c.id) ?? null,
    poolFailed: role === "student" ? 0 : (facts.poolFailed.get(c.id) ?? 0),
    poolRetryAt: role === "student" ? null : (facts.poolRetryAt.get(c.id) ?? null),
    attentionJobId: role === "student" ? null : (facts.attentionJob.get(c.id) ?? null),
  };
}

export async function classRow(c: ClassWith, role: ClassRole, actorId: string): Promise<TClassRow> {
  return toClassRow(c, role, await classFacts([c.id], actorId));
}

export async function listClasses(actor: Actor, archived: boolean) {
  const where: Prisma.ClassWhereInput = { archivedAt: archived ? { not: null } : null };
  if (actor.role !== "ADMIN") {
    where.OR = [
      { ownerId: actor.id },
      { coOwners: { some: { userId: actor.id } } },
      { enrollments: { some: { userId: actor.id } } },
    ];
  }
  const rows = await db().class.findMany({ where, include: classInclude, orderBy: { createdAt: "desc" }, take: 500 });
  const ids = rows.map((c) => c.id);
  const [facts, enrolled] = await Promise.all([
    classFacts(ids, actor.id),
    db().enrollment.findMany({ where: { userId: actor.id, classId: { in: ids } }, select: { classId: true } }),
  ]);
  const studentOf = new Set(enrolled.map((e) => e.classId));
  const items: TClassRow[] = [];
  for (const c of rows) {
    const role = roleFrom(actor, c, studentOf.has(c.id));
    if (role) items.push(toClassRow(c, role, facts));
  }
  return { items };
}

export async function getClass(actor: Actor, id: string): Promise<TClassRow> {
  const { cls, role } = await loadClassFor(actor, id, "view");
  return classRow(cls, role, actor.id);
}

export async function createClass(
  actor: Actor,
  input: TCreateClass,
  ip: string | null,
): Promise<{ class: TClassRow; job: JobView }> {
  const template = await db().template.findUnique({ where: { id: input.templateId } });
  if (
    !template ||
    template.classId ||
    (actor.role !== "ADMIN" && template.status !== "READY" && template.ownerId !== actor.id)
  )
    throw notFound("This template");
  if (template.status !== "READY")
    throw invalid({ templateId: `This template is not ready (${template.status.toLowerCase()}).` });
  const { templateId, ...settings } = input;
  const cls = await db().class.create({
    data: {
      ...settings,
      ownerId: actor.id,
      templateId,
      baseTemplateId: templateId,
      status: "DEPLOYING",
      statusDetail: "Creating the teacher's machine…",
    },
  });
  try {
    const teacherName = `${input.name} (teacher)`.slice(0, 80);
    const { job } = await reserveMachines({
      template,
      jobKind: "class-deploy",
      title: `Deploy class ${input.name}`,
      createdById: actor.id,
      payload: { classId: cls.id },
      leadingItems: ["Class base"],
      machines: [
        { name: teacherName, ownerId: actor.id, role: "TEACHER", classId: cls.id, fullCopy: true },
        ...Array.from({ length: input.poolSize }, (_, i) => ({
          name: poolName(input.name, i + 1),
          ownerId: null,
          role: "POOL",
          classId: cls.id,
          baseVersion: 1,
        })),
      ],
    });
    await recordAudit({
      actor,
      action: "class.create",
      target: { type: "class", id: cls.id, name: cls.name },
      ip,
      details: { templateId, poolSize: input.poolSize, jobId: job.id },
    });
    startJob(job.id);
    return { class: await getClass(actor, cls.id), job: await getJob(job.id) };
  } catch (error) {
    // nothing half-created: placement refused, so the class goes too
    await db()
      .class.delete({ where: { id: cls.id } })
      .catch(() => undefined);
    throw error;
  }
}

export const poolName = (className: string, n: number) => `${className.slice(0, 64)} pool ${n}`;

export async function updateClass(
  actor: Actor,
  id: string,
  input: TUpdateClass,
  ip: string | null,
): Promise<TClassRow> {
  const { cls } = await loadClassFor(actor, id);
  if (input.maxStudents !== undefined && input.maxStudents < cls.enrolledCount)
    throw invalid({
      maxStudents: `${cls.enrolledCount} students are enrolled; remove students first or allow at least ${cls.enrolledCount}.`,
    });
  const updated = await db().class.update({ where: { id }, data: input, include: classInclude });
  await recordAudit({
    actor,
    action: "class.update",
    target: { type: "class", id, name: updated.name },
    ip,
    details: input,
  });
  publishClass(updated, "class.updated");
  if ((input.poolSize ?? 0) > cls.poolSize) {
    const { refillPool } = await import("./enrollment");
    await refillPool(id, actor.id).catch((error) => console.error(`[classes] pool refill for ${id} failed`, error));
  }
  return getClass(actor, id);
}

export async function archiveClass(actor: Actor, id: string, archived: boolean, ip: string | null): Promise<TClassRow> {
  const { cls } = await loadClassFor(actor, id);
  const updated = await db().class.update({
    where: { id },
    data: { archivedAt: archived ? (cls.archivedAt ?? new Date()) : null },
    include: classInclude,
  });
  if (archived) {
    const running = await db().machine.findMany({ where: { classId: id, state: "RUNNING" }, select: { id: true } });
    for (const m of running) await machineAction(actor, m.id, "stop", {}, ip).catch(() => undefined);
  }
  await recordAudit({
    actor,
    action: archived ? "class.archive" : "class.restore",
    target: { type: "class", id, name: cls.name },
    ip,
  });
  publishClass(updated, "class.updated");
  return getClass(actor, id);
}

export async function deleteClass(
  actor: Actor,
  id: string,
  confirmMachines: number,
  ip: string | null,
): Promise<{ job: JobView | null }> {
  const { cls } = await loadClassFor(actor, id);
  const machines = await db().machine.findMany({
    where: { classId: id },
    select: { id: true, name: true, state: true },
  });
  if (confirmMachines !== machines.length)
    throw new AppError(
      "CONFLICT",
      `Deleting this class removes ${machines.length} machine${machines.length === 1 ? "" : "s"}; confirm with that number (you sent ${confirmMachines}).`,
      { fields: { confirmMachines: String(machines.length) } },
    );
  // deleting again after a partial failure runs the (idempotent) removal again
  await db().class.update({
    where: { id },
    data: { status: "DELETING", statusDetail: "Removing the machines…", archivedAt: cls.archivedAt ?? new Date() },
  });
  await db().classInvite.updateMany({ where: { classId: id, revokedAt: null }, data: { revokedAt: new Date() } });
  await recordAudit({
    actor,
    action: "class.delete",
    target: { type: "class", id, name: cls.name },
    ip,
    details: { machines: machines.length },
  });
  if (!machines.length) {
    await db().class.delete({ where: { id } });
    publishClass(cls, "class.updated");
    return { job: null };
  }
  const job = await db().job.create({
    data: {
      kind: "class-delete",
      title: `Delete class ${cls.name}`,
      createdById: actor.id,
      total: machines.length,
      payload: JSON.stringify({ classId: id }),
      items: { create: machines.map((m, i) => ({ position: i, label: m.name, machineId: m.id })) },
    },
  });
  startJob(job.id);
  publishClass(cls, "class.updated");
  return { job: await getJob(job.id) };
}

export async function addCoOwner(actor: Actor, id: string, email: string, ip: string | null): Promise<TClassRow> {
  const { cls } = await loadClassFor(actor, id);
  const user = await db().user.findUnique({
    where: { email },
    select: { id: true, role: true, name: true, disabledAt: true },
  });
  if (!user || user.disabledAt) throw invalid({ email: "No active account has this e-mail address." });
  if (user.role === "STUDENT")
    throw invalid({ email: `${user.name} is a student; only teachers and admins can co-own a class.` });
  if (user.id === cls.ownerId) throw invalid({ email: `${user.name} already owns this class.` });
  await db().classCoOwner.upsert({
    where: { classId_userId: { classId: id, userId: user.id } },
    create: { classId: id, userId: user.id },
    update: {},
  });
  await recordAudit({
    actor,
    action: "class.co_owner.add",
    target: { type: "class", id, name: cls.name },
    ip,
    details: { userId: user.id, email },
  });
  publishClass(cls, "class.updated", [user.id]);
  return getClass(actor, id);
}

export async function removeCoOwner(actor: Actor, id: string, userId: string, ip: string | null): Promise<void> {
  const { cls } = await loadClassFor(actor, id);
  const removed = await db().classCoOwner.deleteMany({ where: { classId: id, userId } });
  if (!removed.count) throw notFound("This co-owner");
  await recordAudit({
    actor,
    action: "class.co_owner.remove",
    target: { type: "class", id, name: cls.name },
    ip,
    details: { userId },
  });
  publishClass(cls, "class.updated", [userId]);
}
