// Listing machines: mine, a class's (its teacher or an admin) or all (admins).
import type { Prisma } from "@/generated/sqlite/client";
import type { Actor } from "@/server/auth/actor";
import { isAdmin, jobClassId, loadTaughtClass, mayManageClass, mayViewJob } from "@/server/auth/permissions";
import { db } from "@/server/db/client";
import { AppError } from "@/server/http/app-error";
import { rdpReach } from "@/server/rdp/reach";
import { loadForActor, machineInclude, machineRow } from "./machine-core";
import type { TListMachinesQuery, TMachineRow } from "./routes";

export async function listMachines(actor: Actor, q: TListMachinesQuery) {
  const where: Prisma.MachineWhereInput = {};
  if (q.scope === "all") {
    if (!isAdmin(actor)) throw new AppError("FORBIDDEN", "Only admins can list all machines.");
  } else if (q.scope === "class") {
    if (!q.classId)
      throw new AppError("VALIDATION_FAILED", "Name the class.", { fields: { classId: "Name the class." } });
    if (!mayManageClass(actor, await loadTaughtClass(q.classId)))
      throw new AppError("NOT_FOUND", "This class was not found.");
    where.classId = q.classId;
  } else {
    where.ownerId = actor.id;
  }
  if (q.state) where.state = q.state;
  if (q.hostId) where.hostId = q.hostId;
  if (q.q) where.name = { contains: q.q };
  const [total, rows, reach] = await Promise.all([
    db().machine.count({ where }),
    db().machine.findMany({
      where,
      include: machineInclude,
      orderBy: [{ createdAt: "desc" }, { name: "asc" }],
      skip: (q.page - 1) * q.pageSize,
      take: q.pageSize,
    }),
    rdpReach(),
  ]);
  return { items: rows.map((m) => machineRow(m, actor, reach)), total, page: q.page, pageSize: q.pageSize };
}

export async function getMachine(actor: Actor, id: string): Promise<TMachineRow> {
  const [m, reach] = await Promise.all([loadForActor(actor, id), rdpReach()]);
  return machineRow(m, actor, reach);
}

export async function getJobFor(actor: Actor, id: string) {
  const job = await db().job.findUnique({ where: { id }, select: { createdById: true, payload: true } });
  if (!job || !mayViewJob(actor, job, await loadTaughtClass(jobClassId(job.payload))))
    throw new AppError("NOT_FOUND", "This job was not found.");
  const { getJob } = await import("@/server/jobs/jobs");
  return getJob(id);
}
