// A teacher removes a student from a class: the student's machine is deleted or kept (ownerless, for the teacher),
// their consoles on it end, and the seat is freed.
import { recordAudit } from "@/server/audit/record";
import type { Ctx } from "@/server/auth/ctx";
import { classTeacherIds } from "@/server/auth/permissions";
import { kickSessions } from "@/server/console/sessions";
import { db } from "@/server/db/client";
import { notFound } from "@/server/http/app-error";
import { machineAction } from "@/server/machines/actions";
import { machineInclude, publishMachine } from "@/server/machines/machine-core";
import { loadClassFor, publishClass } from "./access";

export async function removeStudent(
  ctx: Ctx,
  classId: string,
  userId: string,
  machineChoice: "remove" | "keep",
): Promise<void> {
  const { actor, ip } = ctx;
  const { cls } = await loadClassFor(actor, classId);
  const enrollment = await db().enrollment.findUnique({
    where: { classId_userId: { classId, userId } },
    include: { user: { select: { name: true, email: true } } },
  });
  if (!enrollment) throw notFound("This student");
  const machines = await db().machine.findMany({
    where: { classId, ownerId: userId, role: "STUDENT" },
    select: { id: true, name: true },
  });
  if (machineChoice === "remove") {
    // refused (409) before anything changes when a machine is busy
    for (const m of machines) await machineAction(ctx, m.id, "delete", {});
  } else {
    for (const m of machines) {
      const kept = await db().machine.update({
        where: { id: m.id },
        data: { ownerId: null, role: "KEPT", name: `${m.name} (kept)`.slice(0, 80) },
        include: machineInclude,
      });
      publishMachine(kept, [...classTeacherIds(kept.class), userId]);
    }
  }
  // the student's consoles on those machines end now (a teacher watching a kept machine stays)
  await kickSessions({ userId, machineIds: machines.map((m) => m.id) }, "You were removed from this class.", 4403);
  await db().$transaction([
    db().enrollment.delete({ where: { id: enrollment.id } }),
    db().class.updateMany({
      where: { id: classId, enrolledCount: { gt: 0 } },
      data: { enrolledCount: { decrement: 1 } },
    }),
  ]);
  await recordAudit({
    actor,
    action: "class.student.remove",
    target: { type: "class", id: classId, name: cls.name },
    ip,
    details: { userId, email: enrollment.user.email, machine: machineChoice, machines: machines.map((m) => m.id) },
  });
  publishClass(cls, "class.roster", [userId]);
}
