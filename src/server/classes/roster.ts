// The roster: a class's students with their machines, hours and last console, the teacher's machine and the pool.
import type { Actor } from "@/server/auth/actor";
import { db } from "@/server/db/client";
import { machineInclude, machineRow } from "@/server/machines/machine-core";
import { hoursLeftSeconds, monthKey } from "@/server/quotas/hours";
import { loadClassFor } from "./access";
import type { TRosterRow } from "./routes";

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
