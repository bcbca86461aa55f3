// One query set per role, each bounded (take: N) and served by an index, so the dashboard stays fast with
// thousands of users and machines.
import type { Actor } from "@/server/auth/actor";
import { isAdmin, isTeacher } from "@/server/auth/permissions";
import { db } from "@/server/db/client";
import type { TDashboard } from "./routes";

const LIST_SIZE = 20;
/** The dashboard lists hosts in this order: the ones that need a look first. */
const HOST_ORDER = ["OFFLINE", "DEGRADED", "UNKNOWN", "ONLINE"];
/** The admin's "failed jobs" card counts jobs that failed within this many days. */
export const FAILED_JOB_DAYS = 7;

export async function getDashboard(actor: Pick<Actor, "id" | "role">): Promise<TDashboard> {
  if (isAdmin(actor)) return adminDashboard();
  if (isTeacher(actor)) return teacherDashboard(actor.id);
  return studentDashboard(actor.id);
}

async function adminDashboard(): Promise<TDashboard> {
  const since = new Date(Date.now() - FAILED_JOB_DAYS * 24 * 3600 * 1000);
  const [
    byRole,
    disabled,
    classes,
    machines,
    recentUsers,
    recentEvents,
    hosts,
    hostList,
    runningMachines,
    failedJobs,
    pendingRequests,
  ] = await Promise.all([
    db().user.groupBy({ by: ["role"], _count: { _all: true } }),
    db().user.count({ where: { disabledAt: { not: null } } }),
    db().class.count({ where: { archivedAt: null } }),
    db().machine.count(),
    db().user.findMany({
      orderBy: { createdAt: "desc" },
      take: 5,
      select: { id: true, email: true, name: true, role: true, createdAt: true },
    }),
    db().auditEvent.findMany({
      orderBy: { at: "desc" },
      take: 8,
      select: { id: true, at: true, actorEmail: true, action: true, targetName: true },
    }),
    db().host.groupBy({ by: ["status"], _count: { _all: true } }),
    // the hosts that need a look first (offline, degraded, unknown), then the online ones, by name
    Promise.all(
      [{ not: "ONLINE" as const }, { equals: "ONLINE" as const }].map((status) =>
        db().host.findMany({
          where: { status },
          orderBy: { name: "asc" },
          take: LIST_SIZE,
          select: { id: true, name: true, status: true, statusDetail: true, cordoned: true, draining: true },
        }),
      ),
    ),
    db().machine.count({ where: { state: "RUNNING" } }),
    db().job.count({ where: { status: { in: ["FAILED", "PARTIAL"] }, createdAt: { gte: since } } }),
    db().quotaRequest.count({ where: { status: "PENDING" } }),
  ]);
  const hostCount = (status?: string) =>
    hosts.filter((h) => !status || h.status === status).reduce((n, h) => n + h._count._all, 0);
  const count = (role: string) => byRole.find((r) => r.role === role)?._count._all ?? 0;
  return {
    role: "ADMIN",
    counts: {
      admins: count("ADMIN"),
      teachers: count("TEACHER"),
      students: count("STUDENT"),
      disabled,
      classes,
      machines,
    },
    recentUsers: recentUsers.map((u) => ({ ...u, createdAt: u.createdAt.toISOString() })),
    recentEvents: recentEvents.map((e) => ({ ...e, at: e.at.toISOString() })),
    attention: {
      hosts: {
        total: hostCount(),
        online: hostCount("ONLINE") + hostCount("DEGRADED"),
        degraded: hostCount("DEGRADED"),
        offline: hostCount("OFFLINE"),
        items: hostList
          .flat()
          .sort((a, b) => HOST_ORDER.indexOf(a.status) - HOST_ORDER.indexOf(b.status))
          .slice(0, LIST_SIZE),
      },
      runningMachines,
      failedJobs,
      pendingRequests,
    },
  };
}

async function teacherDashboard(userId: string): Promise<TDashboard> {
  const where = { ownerId: userId, archivedAt: null };
  const [classes, totalClasses] = await Promise.all([
    db().class.findMany({
      where,
      orderBy: { createdAt: "desc" },
      take: LIST_SIZE,
      select: { id: true, name: true, createdAt: true, _count: { select: { enrollments: true, machines: true } } },
    }),
    db().class.count({ where }),
  ]);
  return {
    role: "TEACHER",
    totalClasses,
    classes: classes.map((c) => ({
      id: c.id,
      name: c.name,
      students: c._count.enrollments,
      machines: c._count.machines,
      createdAt: c.createdAt.toISOString(),
    })),
  };
}

async function studentDashboard(userId: string): Promise<TDashboard> {
  const [machines, enrollments] = await Promise.all([
    db().machine.findMany({
      where: { ownerId: userId },
      orderBy: { createdAt: "desc" },
      take: LIST_SIZE,
      select: { id: true, name: true, state: true, class: { select: { name: true } } },
    }),
    db().enrollment.findMany({
      where: { userId },
      take: LIST_SIZE,
      select: { class: { select: { id: true, name: true } } },
    }),
  ]);
  return {
    role: "STUDENT",
    machines: machines.map((m) => ({ id: m.id, name: m.name, state: m.state, className: m.class?.name ?? null })),
    classes: enrollments.map((e) => e.class),
  };
}
