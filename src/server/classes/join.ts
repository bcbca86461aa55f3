// Joining a class with an invite link: what the invite page shows first, then the join itself.
//
// Joining is race-free without an in-memory lock being the only guard: in ONE transaction the invite's use is
// counted with a conditional increment (uses < maxUses), the seat with another (enrolledCount < maxStudents),
// the enrollment row is created (unique per class and user), and a pool machine is claimed with a conditional
// update (still ownerless) or a new machine row is written; the student's quota is checked in the same
// transaction. Two students can never get the same machine and a full class refuses clearly.
import type { Prisma } from "@/generated/sqlite/client";
import { recordAudit } from "@/server/audit/record";
import type { Actor } from "@/server/auth/actor";
import type { Ctx } from "@/server/auth/ctx";
import { classTeacherIds } from "@/server/auth/permissions";
import { withClusterLock } from "@/server/cluster/lock";
import { db } from "@/server/db/client";
import { isUniqueViolation } from "@/server/db/errors";
import { AppError, conflict } from "@/server/http/app-error";
import { getJob, type JobView, startJob } from "@/server/jobs/jobs";
import { logger } from "@/server/log";
import { loadMachine, machineRow, publishMachine } from "@/server/machines/machine-core";
import { placeFor, reserveMachines } from "@/server/machines/provision";
import type { TMachineRow } from "@/server/machines/routes";
import { withAssignQuota } from "@/server/quotas/enforce";
import { getSetting } from "@/server/settings/settings";
import { loadClassFor, publishClass } from "./access";
import { classRow } from "./class-row";
import { emailAllowed, findInvite, inviteRefusal, inviteStatus } from "./invites";
import { refillPool } from "./pool";
import { studentMachineName } from "./recovery";
import type { TClassRow } from "./routes";

export async function previewInvite(actor: Actor | null, code: string) {
  const invite = await findInvite(code);
  const c = invite.class;
  const status = c.archivedAt ? "archived" : c.enrolledCount >= c.maxStudents ? "full" : inviteStatus(invite);
  const refusal =
    status === "archived"
      ? new AppError("CLASS_ARCHIVED")
      : status === "full"
        ? new AppError("CLASS_FULL")
        : inviteRefusal(status as never);
  const enrolled = actor
    ? Boolean(
        await db().enrollment.findUnique({
          where: { classId_userId: { classId: c.id, userId: actor.id } },
          select: { id: true },
        }),
      )
    : false;
  return {
    className: c.name,
    description: c.description,
    teacher: c.owner.name,
    status,
    message: refusal?.message ?? null,
    selfSignup: !actor && status === "active" && (await getSetting("selfSignup")),
    enrolled,
  };
}

class JoinRetry extends Error {}

export type Joiner = Pick<Actor, "id" | "email" | "name" | "role">;

export async function joinClass(
  ctx: Ctx<Joiner>,
  code: string,
): Promise<{ class: TClassRow; machine: TMachineRow | null; job: JobView | null; alreadyEnrolled: boolean }> {
  const { actor, ip } = ctx;
  const invite = await findInvite(code);
  const cls = await db().class.findUniqueOrThrow({
    where: { id: invite.classId },
    include: { coOwners: { select: { userId: true } } },
  });
  const answer = async (machineId: string | null, jobId: string | null, alreadyEnrolled: boolean) => {
    const { cls: full, role } = await loadClassFor(actor as Actor, cls.id, "view");
    const m = machineId ? await loadMachine(machineId) : null;
    return {
      class: await classRow(full, role, actor.id),
      machine: m ? machineRow(m, actor as Actor) : null,
      job: jobId ? await getJob(jobId) : null,
      alreadyEnrolled,
    };
  };

  const existing = await db().enrollment.findUnique({
    where: { classId_userId: { classId: cls.id, userId: actor.id } },
  });
  if (existing) {
    const mine = await db().machine.findFirst({
      where: { classId: cls.id, ownerId: actor.id, role: "STUDENT" },
      select: { id: true, jobId: true },
    });
    return answer(mine?.id ?? null, null, true);
  }
  if (classTeacherIds(cls).includes(actor.id)) throw conflict("You teach this class; invite links are for students.");
  if (cls.archivedAt) throw new AppError("CLASS_ARCHIVED", "This class is archived and no longer takes students.");
  const refusal = inviteRefusal(inviteStatus(invite));
  if (refusal) throw refusal;
  if (!emailAllowed(invite.allowed, actor.email))
    throw new AppError(
      "INVITE_NOT_ALLOWED",
      `This invite link is not for ${actor.email}. Ask your teacher for a link for your address.`,
    );
  const base = cls.baseTemplateId ? await db().template.findUnique({ where: { id: cls.baseTemplateId } }) : null;
  if (base?.status !== "READY")
    throw new AppError("INVALID_STATE", "This class has no machine image yet. Try again in a moment.");

  for (let attempt = 0; ; attempt++) {
    try {
      const result = await withClusterLock("placement", async () => {
        const pool = await db().machine.findFirst({
          where: { classId: cls.id, role: "POOL", ownerId: null, state: "STOPPED", templateId: base.id },
          orderBy: { createdAt: "asc" },
          select: { id: true },
        });
        const hosts = pool ? [] : await placeFor(base, 1);
        return withAssignQuota(actor.id, base.diskGb, async (tx) => {
          await takeInviteUse(tx, invite.id, invite.maxUses);
          await takeSeat(tx, cls.id);
          try {
            await tx.enrollment.create({ data: { classId: cls.id, userId: actor.id, inviteId: invite.id } });
          } catch (error) {
            if (isUniqueViolation(error)) throw new JoinRetry("already enrolled");
            throw error;
          }
          const name = studentMachineName(cls.name, actor.name);
          if (pool) {
            const claimed = await tx.machine.updateMany({
              where: { id: pool.id, role: "POOL", ownerId: null },
              data: { role: "STUDENT", ownerId: actor.id, name },
            });
            if (claimed.count !== 1) throw new JoinRetry("pool machine taken");
            return { machineId: pool.id, jobId: null as string | null, fromPool: true };
          }
          const { job, machineIds } = await reserveMachines(
            {
              template: base,
              jobKind: "deploy",
              title: `Create ${name}`,
              createdById: actor.id,
              payload: { classId: cls.id },
              machines: [{ name, ownerId: actor.id, role: "STUDENT", classId: cls.id, baseVersion: cls.baseVersion }],
            },
            { tx, hosts },
          );
          return { machineId: machineIds[0] as string, jobId: job.id, fromPool: false };
        });
      });
      if (result.jobId) startJob(result.jobId);
      await recordAudit({
        actor: actor as Actor,
        action: "class.join",
        target: { type: "class", id: cls.id, name: cls.name },
        ip,
        details: { inviteId: invite.id, machineId: result.machineId, fromPool: result.fromPool },
      });
      const claimed = await loadMachine(result.machineId);
      publishMachine(claimed, classTeacherIds(claimed.class));
      publishClass(cls, "class.roster");
      if (result.fromPool)
        void refillPool(cls.id, cls.ownerId).catch((error) =>
          logger().error({ err: error, classId: cls.id }, "[classes] pool refill failed"),
        );
      return answer(result.machineId, result.jobId, false);
    } catch (error) {
      if (!(error instanceof JoinRetry) || attempt >= 3) throw error;
      if (error.message === "already enrolled") return joinClass(ctx, code);
    }
  }
}

async function takeInviteUse(tx: Prisma.TransactionClient, inviteId: string, maxUses: number | null): Promise<void> {
  const now = new Date();
  const taken = await tx.classInvite.updateMany({
    where: {
      id: inviteId,
      revokedAt: null,
      OR: [{ expiresAt: null }, { expiresAt: { gt: now } }],
      ...(maxUses !== null ? { uses: { lt: maxUses } } : {}),
    },
    data: { uses: { increment: 1 } },
  });
  if (taken.count === 1) return;
  const fresh = await tx.classInvite.findUniqueOrThrow({ where: { id: inviteId } });
  throw inviteRefusal(inviteStatus(fresh, now)) ?? new AppError("INVITE_USED_UP");
}

async function takeSeat(tx: Prisma.TransactionClient, classId: string): Promise<void> {
  const c = await tx.class.findUniqueOrThrow({
    where: { id: classId },
    select: { maxStudents: true, archivedAt: true },
  });
  if (c.archivedAt) throw new AppError("CLASS_ARCHIVED", "This class is archived and no longer takes students.");
  const seat = await tx.class.updateMany({
    where: { id: classId, archivedAt: null, enrolledCount: { lt: c.maxStudents } },
    data: { enrolledCount: { increment: 1 } },
  });
  if (seat.count !== 1)
    throw new AppError(
      "CLASS_FULL",
      `This class is full (${c.maxStudents} of ${c.maxStudents} students). Ask your teacher to make room.`,
    );
}
