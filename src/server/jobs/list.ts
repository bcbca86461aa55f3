// The jobs page: a user's jobs and their classes' jobs (deploys, pools, joins, publishes); admins may ask for all.
import type { Prisma } from "@/generated/sqlite/client";
import type { Actor } from "@/server/auth/actor";
import { isAdmin, myJobsWhere } from "@/server/auth/permissions";
import { db } from "@/server/db/client";
import { AppError } from "@/server/http/app-error";
import { jobView } from "./jobs";
import type { TListJobsQuery } from "./routes";

export async function listJobs(actor: Actor, q: TListJobsQuery) {
  if (q.scope === "all" && !isAdmin(actor)) throw new AppError("FORBIDDEN", "Only admins see every job; choose mine.");
  const where: Prisma.JobWhereInput = {
    ...(q.status ? { status: q.status } : {}),
    ...(q.scope === "mine" ? await myJobsWhere(actor) : {}),
  };
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
