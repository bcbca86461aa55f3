// Re-creating a student's missing class machine from the roster: the student is enrolled but has no STUDENT
// machine in the class (a teacher deleted it, or it was lost). The same provisioning as joining: placement and
// the new row under the "placement" lock, the student's quota in the same transaction, then a deploy job.

import { recordAudit } from "@/server/audit/record";
import type { Ctx } from "@/server/auth/ctx";
import { classTeacherIds } from "@/server/auth/permissions";
import { withClusterLock } from "@/server/cluster/lock";
import { db } from "@/server/db/client";
import { AppError, conflict, notFound } from "@/server/http/app-error";
import { getJob, startJob } from "@/server/jobs/jobs";
import { loadMachine, machineRow, publishMachine } from "@/server/machines/machine-core";
import { placeFor, reserveMachines } from "@/server/machines/provision";
import { withAssignQuota } from "@/server/quotas/enforce";
import { loadClassFor, publishClass } from "./access";

export const studentMachineName = (className: string, studentName: string) =>
  `${className.slice(0, 40)} – ${studentName.slice(0, 36)}`;

export async function recreateStudentMachine(ctx: Ctx, classId: string, userId: string) {
  const { actor } = ctx;
  const { cls } = await loadClassFor(actor, classId);
  const enrollment = await db().enrollment.findUnique({
    where: { classId_userId: { classId, userId } },
    include: { user: { select: { id: true, name: true } } },
  });
  if (!enrollment) throw notFound("This student");
  if (cls.archivedAt)
    throw new AppError("CLASS_ARCHIVED", "This class is archived; restore it before re-creating machines.");
  const base = cls.baseTemplateId ? await db().template.findUnique({ where: { id: cls.baseTemplateId } }) : null;
  if (base?.status !== "READY")
    throw new AppError("INVALID_STATE", "This class has no machine image yet. Try again in a moment.");
  const name = studentMachineName(cls.name, enrollment.user.name);

  const { job, machineIds } = await withClusterLock("placement", async () => {
    // checked under the lock: two teachers clicking at once make one machine
    const existing = await db().machine.findFirst({
      where: { classId, ownerId: userId, role: "STUDENT" },
      select: { state: true },
    });
    if (existing)
      throw conflict(
        `${enrollment.user.name} already has a machine in this class (${existing.state.toLowerCase()}); use Revert to reset it.`,
      );
    const hosts = await placeFor(base, 1);
    return withAssignQuota(userId, base.diskGb, (tx) =>
      reserveMachines(
        {
          template: base,
          jobKind: "deploy",
          title: `Re-create ${name}`,
          createdById: actor.id,
          payload: { classId },
          machines: [{ name, ownerId: userId, role: "STUDENT", classId, baseVersion: cls.baseVersion }],
        },
        { tx, hosts },
      ),
    );
  });
  startJob(job.id);
  const machineId = machineIds[0] as string;
  await recordAudit({
    ...ctx,
    action: "class.machine.recreate",
    target: { type: "class", id: classId, name: cls.name },
    details: { userId, machineId, jobId: job.id },
  });
  const m = await loadMachine(machineId);
  publishMachine(m, classTeacherIds(m.class));
  publishClass(cls, "class.roster", [userId]);
  return { machine: machineRow(m, actor), job: await getJob(job.id) };
}
