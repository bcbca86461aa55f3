// Classes: list, create (a deploy job for the teacher's machine and the pool), settings, archive, delete.
// Co-owners: co-owners.ts; the row: class-row.ts; the pool: pool.ts; students: join.ts, roster.ts, … .
import type { Prisma } from "@/generated/sqlite/client";
import type { JobKind } from "@/lib/job-kinds";
import { recordAudit } from "@/server/audit/record";
import type { Actor } from "@/server/auth/actor";
import type { Ctx } from "@/server/auth/ctx";
import { classRole, mayUseTemplate, visibleClassesWhere } from "@/server/auth/permissions";
import { db } from "@/server/db/client";
import { AppError, invalid, notFound } from "@/server/http/app-error";
import { getJob, type JobView, startJob } from "@/server/jobs/jobs";
import { logger } from "@/server/log";
import { machineAction } from "@/server/machines/actions";
import { reserveMachines } from "@/server/machines/provision";
import { classInclude, loadClassFor, publishClass } from "./access";
import { classFacts, classRow, toClassRow } from "./class-row";
import { poolName, refillPool } from "./pool";
import type { TClassRow, TCreateClass, TUpdateClass } from "./routes";

export async function listClasses(actor: Actor, archived: boolean) {
  const where: Prisma.ClassWhereInput = { archivedAt: archived ? { not: null } : null, ...visibleClassesWhere(actor) };
  const rows = await db().class.findMany({ where, include: classInclude, orderBy: { createdAt: "desc" }, take: 500 });
  const ids = rows.map((c) => c.id);
  const [facts, enrolled] = await Promise.all([
    classFacts(ids, actor.id),
    db().enrollment.findMany({ where: { userId: actor.id, classId: { in: ids } }, select: { classId: true } }),
  ]);
  const studentOf = new Set(enrolled.map((e) => e.classId));
  const items: TClassRow[] = [];
  for (const c of rows) {
    const role = classRole(actor, c, studentOf.has(c.id));
    if (role) items.push(toClassRow(c, role, facts));
  }
  return { items };
}

export async function getClass(actor: Actor, id: string): Promise<TClassRow> {
  const { cls, role } = await loadClassFor(actor, id, "view");
  return classRow(cls, role, actor.id);
}

export async function createClass(ctx: Ctx, input: TCreateClass): Promise<{ class: TClassRow; job: JobView }> {
  const { actor, ip } = ctx;
  const template = await db().template.findUnique({ where: { id: input.templateId } });
  if (!template || template.classId || !mayUseTemplate(actor, template)) throw notFound("This template");
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

export async function updateClass(ctx: Ctx, id: string, input: TUpdateClass): Promise<TClassRow> {
  const { actor, ip } = ctx;
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
  if ((input.poolSize ?? 0) > cls.poolSize)
    await refillPool(id, actor.id).catch((error) =>
      logger().error({ err: error, classId: id }, "[classes] pool refill failed"),
    );
  return getClass(actor, id);
}

export async function archiveClass(ctx: Ctx, id: string, archived: boolean): Promise<TClassRow> {
  const { actor, ip } = ctx;
  const { cls } = await loadClassFor(actor, id);
  const updated = await db().class.update({
    where: { id },
    data: { archivedAt: archived ? (cls.archivedAt ?? new Date()) : null },
    include: classInclude,
  });
  if (archived) {
    const running = await db().machine.findMany({ where: { classId: id, state: "RUNNING" }, select: { id: true } });
    for (const m of running) await machineAction(ctx, m.id, "stop", {}).catch(() => undefined);
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

export async function deleteClass(ctx: Ctx, id: string, confirmMachines: number): Promise<{ job: JobView | null }> {
  const { actor, ip } = ctx;
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
      kind: "class-delete" satisfies JobKind,
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
