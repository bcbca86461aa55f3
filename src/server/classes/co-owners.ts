// Co-owners: teachers (or admins) who manage a class with its owner.
import { recordAudit } from "@/server/audit/record";
import type { Ctx } from "@/server/auth/ctx";
import { db } from "@/server/db/client";
import { invalid, notFound } from "@/server/http/app-error";
import { loadClassFor, publishClass } from "./access";
import { getClass } from "./classes";
import type { TClassRow } from "./routes";

export async function addCoOwner(ctx: Ctx, id: string, email: string): Promise<TClassRow> {
  const { actor, ip } = ctx;
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

export async function removeCoOwner(ctx: Ctx, id: string, userId: string): Promise<void> {
  const { actor, ip } = ctx;
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
