// A teacher grants a student extra hours in a class (this month).
import { recordAudit } from "@/server/audit/record";
import type { Ctx } from "@/server/auth/ctx";
import { db } from "@/server/db/client";
import { notFound } from "@/server/http/app-error";
import { grantHours } from "@/server/quotas/hours";
import { loadClassFor, publishClass } from "./access";
import { roster } from "./roster";
import type { TRosterRow } from "./routes";

export async function grantStudentHours(ctx: Ctx, classId: string, userId: string, hours: number): Promise<TRosterRow> {
  const { actor, ip } = ctx;
  const { cls } = await loadClassFor(actor, classId);
  const enrollment = await db().enrollment.findUnique({
    where: { classId_userId: { classId, userId } },
    select: { id: true },
  });
  if (!enrollment) throw notFound("This student");
  await grantHours(userId, classId, hours);
  await recordAudit({
    actor,
    action: "class.hours.grant",
    target: { type: "class", id: classId, name: cls.name },
    ip,
    details: { userId, hours },
  });
  publishClass(cls, "class.roster", [userId]);
  const row = (await roster(actor, classId)).items.find((r) => r.user.id === userId);
  if (!row) throw notFound("This student");
  return row;
}
