// The jobs page: a user's jobs and their classes' jobs (deploys, pools, joins, publishes); admins may ask for all.
import type { Prisma } from "@/generated/sqlite/client";
import type { Actor } from "@/server/auth/actor";
import { db } from "@/server/db/client";
import { AppError } from "@/server/http/app-error";
import { jobView } from "./jobs";
import type { TListJobsQuery } from "./routes";

export async function listJobs(actor: Actor, q: TListJobsQuery) {
  if (q.scope === "all" && actor.role !== "ADMIN")
    throw new AppError("FORBIDDEN", "Only admins see every job; choose mine.");
  const where: Prisma.JobWhereInput = q.status ? { status: q.status } : {};
  if (q.scope === "mine") {
    const taught =
      actor.role === "STUDENT"
        ? []
        : await db().class.findMany({
            where: { OR: [{ ownerId: actor.id }, { coOwners: { some: { userId: actor.id } } }] },
            select: { id: true },
            take: 500,
          });
    where.OR = [{ createdById: actor.id }, ...taught.map((c) => ({ payload: { contains: `"classId":"${c.id}"` } }))];
  }
  const [total, rows] = await Promise.all([
    db().job.count({ where }),
    db().job.findMany({
      where,
      include: { items: true },
      orderBy: { createdAt: "desc" },
      skip: (q.page - 1) * q.pageSize,
      take: q.pageSize,
    }),
  ]);
  return { items: rows.map(jobView), total, page: q.page, pageSize: q.pageSize };
}
