// Joining a class with an invite link, the pre-provisioned pool, the roster and removing students.
//
// Joining is race-free without an in-memory lock being the only guard: in ONE transaction the invite's use is
// counted with a conditional increment (uses < maxUses), the seat with another (enrolledCount < maxStudents),
// the enrollment row is created (unique per class and user), and a pool machine is claimed with a conditional
// update (still ownerless) or a new machine row is written; the student's quota is checked in the same
// transaction. Two students can never get the same machine and a full class refuses clearly.
import type { Prisma, Template } from "@/generated/sqlite/client";
import { recordAudit } from "@/server/audit/record";
import type { Actor } from "@/server/auth/actor";
import { hashPassword } from "@/server/auth/passwords";
import { kickSessions } from "@/server/console/sessions";
import { db } from "@/server/db/client";
import { isUniqueViolation } from "@/server/db/errors";
import { AppError, conflict, notFound } from "@/server/http/app-error";
import { getJob, type JobView, startJob } from "@/server/jobs/jobs";
import { withClusterLock } from "@/server/cluster/lock";
import { machineAction } from "@/server/machines/actions";
import {
  classTeacherIds,
  loadMachine,
  machineInclude,
  machineRow,
  publishMachine,
} from "@/server/machines/machine-core";
import { placeFor, reserveMachines } from "@/server/machines/provision";
import type { TMachineRow } from "@/server/machines/routes";
import { withAssignQuota } from "@/server/quotas/enforce";
import { grantHours, hoursLeftSeconds, monthKey } from "@/server/quotas/hours";
import { rdpReach } from "@/server/rdp/reach";
import { getSetting } from "@/server/settings/settings";
import { searchTextOf } from "@/server/users/search-text";
import { loadClassFor, publishClass } from "./access";
import { classRow, poolName } from "./classes";
import { emailAllowed, findInvite, inviteRefusal, inviteStatus } from "./invites";
import { studentMachineName } from "./recovery";
import type { TClassRow, TRosterRow } from "./routes";

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

export async function joinClass(
  actor: Pick<Actor, "id" | "email" | "name" | "role">,
  code: string,
  ip: string | null,
): Promise<{ class: TClassRow; machine: TMachineRow | null; job: JobView | null; alreadyEnrolled: boolean }> {
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
          console.error(`[classes] pool refill for ${cls.id} failed`, error),
        );
      return answer(result.machineId, result.jobId, false);
    } catch (error) {
      if (!(error instanceof JoinRetry) || attempt >= 3) throw error;
      if (error.message === "already enrolled") return joinClass(actor, code, ip);
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

/**
 * A new person creates a student account through an invite link (when the admin allows it), then joins. The answer
 * is the same whether or not the address already has an account (so an invite holder cannot learn who has one): for
 * an existing address nothing is created or changed, the same password hash is computed (same time), and the page
 * then signs in with the password given — which works only for the account's owner.
 */
export async function signupAndJoin(
  code: string,
  input: { name: string; email: string; password: string },
  ip: string | null,
) {
  // an unknown link is a 404 before "signup is off"
  const invite = await findInvite(code);
  if (!(await getSetting("selfSignup"))) throw new AppError("SIGNUP_DISABLED");
  const refusal = inviteRefusal(inviteStatus(invite));
  if (refusal) throw refusal;
  if (!emailAllowed(invite.allowed, input.email))
    throw new AppError("INVITE_NOT_ALLOWED", `This invite link is not for ${input.email}.`, {
      fields: { email: "This invite link is for other addresses." },
    });
  const answer = { email: input.email, classId: invite.classId };
  const passwordHash = await hashPassword(input.password);
  if (await db().user.findUnique({ where: { email: input.email }, select: { id: true } })) return answer;
  let user: { id: string; email: string; name: string };
  try {
    user = await db().user.create({
      data: {
        email: input.email,
        name: input.name,
        role: "STUDENT",
        passwordHash,
        searchText: searchTextOf(input.email, input.name),
      },
    });
  } catch (error) {
    if (isUniqueViolation(error)) return answer; // the same address signed up at the same moment
    throw error;
  }
  await recordAudit({
    actor: { id: user.id, email: user.email },
    action: "user.signup",
    target: { type: "user", id: user.id, name: user.name },
    ip,
    details: { inviteId: invite.id },
  });
  try {
    await joinClass({ id: user.id, email: user.email, name: user.name, role: "STUDENT" }, code, ip);
  } catch (error) {
    // nothing half-created: the account goes when it could not join
    await db()
      .user.delete({ where: { id: user.id } })
      .catch(() => undefined);
    throw error;
  }
  return answer;
}

/** Tops the pool up to the class's pool size (machines made ahead of time, so joining is instant). */
export async function refillPool(classId: string, createdById: string): Promise<JobView | null> {
  return withClusterLock(`pool:${classId}`, async () => {
    const cls = await db().class.findUnique({ where: { id: classId } });
    if (!cls || cls.archivedAt || cls.status === "DELETING" || !cls.baseTemplateId) return null;
    // a FAILED pool machine counts: it is retried (automatically, or from the class page), never doubled
    const have = await db().machine.count({
      where: { classId, role: "POOL", ownerId: null, state: { not: "DELETING" } },
    });
    const need = cls.poolSize - have;
    if (need <= 0) return null;
    const base = (await db().template.findUniqueOrThrow({ where: { id: cls.baseTemplateId } })) as Template;
    const total = await db().machine.count({ where: { classId, role: "POOL" } });
    const { job } = await reserveMachines({
      template: base,
      jobKind: "deploy",
      title: `Fill the pool of ${cls.name}`,
      createdById,
      payload: { classId },
      machines: Array.from({ length: need }, (_, i) => ({
        name: poolName(cls.name, total + i + 1),
        ownerId: null,
        role: "POOL",
        classId,
        baseVersion: cls.baseVersion,
      })),
    });
    startJob(job.id);
    return getJob(job.id);
  });
}

export async function roster(actor: Actor, classId: string) {
  const { cls } = await loadClassFor(actor, classId);
  const [enrollments, machines, usage] = await Promise.all([
    db().enrollment.findMany({
      where: { classId },
      include: { user: { select: { id: true, name: true, email: true } } },
      orderBy: { createdAt: "asc" },
    }),
    db().machine.findMany({ where: { classId }, include: machineInclude, orderBy: { name: "asc" } }),
    db().usageMonth.findMany({ where: { classId, month: monthKey() } }),
  ]);
  const ids = machines.map((m) => m.id);
  const [lastConsole, open] = await Promise.all([
    db().consoleSession.groupBy({ by: ["machineId"], where: { machineId: { in: ids } }, _max: { openedAt: true } }),
    db().consoleSession.groupBy({
      by: ["machineId"],
      where: { machineId: { in: ids }, closedAt: null },
      _count: { _all: true },
    }),
  ]);
  const lastBy = new Map(lastConsole.map((r) => [r.machineId, r._max.openedAt]));
  const openBy = new Set(open.map((r) => r.machineId));
  const usedBy = new Map(usage.map((u) => [u.userId, u.usedSeconds]));
  const items: TRosterRow[] = [];
  for (const e of enrollments) {
    const m = machines.find((x) => x.role === "STUDENT" && x.ownerId === e.userId) ?? null;
    items.push({
      user: e.user,
      joinedAt: e.createdAt.toISOString(),
      machine: m ? machineRow(m, actor) : null,
      hoursUsedSeconds: usedBy.get(e.userId) ?? 0,
      hoursLeftSeconds: await hoursLeftSeconds(e.userId, classId),
      lastConsoleAt: m ? (lastBy.get(m.id)?.toISOString() ?? null) : null,
      consoleOpen: m ? openBy.has(m.id) : false,
    });
  }
  const teacher = machines.find((m) => m.role === "TEACHER") ?? null;
  return {
    items,
    teacherMachine: teacher ? machineRow(teacher, actor) : null,
    pool: machines.filter((m) => m.role === "POOL" || m.role === "KEPT").map((m) => machineRow(m, actor)),
    classStatus: cls.status,
  };
}

export async function removeStudent(
  actor: Actor,
  classId: string,
  userId: string,
  machineChoice: "remove" | "keep",
  ip: string | null,
): Promise<void> {
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
    for (const m of machines) await machineAction(actor, m.id, "delete", {}, ip);
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

export async function grantStudentHours(
  actor: Actor,
  classId: string,
  userId: string,
  hours: number,
  ip: string | null,
): Promise<TRosterRow> {
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

/** My lab machines: class machines and personal ones, with their class. */
export async function myLabs(actor: Actor) {
  const machines = await db().machine.findMany({
    where: { ownerId: actor.id, role: { not: "INSTALL" } },
    include: {
      ...machineInclude,
      class: {
        select: {
          id: true,
          name: true,
          ownerId: true,
          isolatedNetwork: true,
          hoursPerStudent: true,
          idleMinutes: true,
          coOwners: { select: { userId: true } },
        },
      },
    },
    orderBy: [{ createdAt: "asc" }],
  });
  const reach = await rdpReach();
  return {
    items: machines.map((m) => ({
      machine: machineRow(m, actor, reach),
      class: m.class
        ? {
            id: m.class.id,
            name: m.class.name,
            hoursPerStudent: m.class.hoursPerStudent,
            idleMinutes: m.class.idleMinutes,
          }
        : null,
    })),
  };
}
