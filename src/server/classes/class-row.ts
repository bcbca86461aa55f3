// A class as its list and page show it: the class, the caller's role in it, and facts read for many classes at
// once (students, ready pool machines, the teacher's and my machine, failed pool machines and the job to look at).
import type { Prisma } from "@/generated/sqlite/client";
import { parseConsoleKinds } from "@/lib/machine-states";
import type { ClassRole } from "@/server/auth/permissions";
import { db } from "@/server/db/client";
import { jobPayload } from "@/server/jobs/jobs";
import type { classInclude } from "./access";
import type { TClassRow } from "./routes";

export type ClassWith = Prisma.ClassGetPayload<{ include: typeof classInclude }>;

/** What a class row shows beyond the class itself, read for many classes at once (a few queries, not per class). */
export async function classFacts(classIds: string[], actorId: string) {
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

export function toClassRow(c: ClassWith, role: ClassRole, facts: ClassFacts): TClassRow {
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
