// The pool: machines made ahead of time, so joining a class is instant.
import type { Template } from "@/generated/sqlite/client";
import { withClusterLock } from "@/server/cluster/lock";
import { db } from "@/server/db/client";
import { getJob, type JobView, startJob } from "@/server/jobs/jobs";
import { reserveMachines } from "@/server/machines/provision";

export const poolName = (className: string, n: number) => `${className.slice(0, 64)} pool ${n}`;

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
