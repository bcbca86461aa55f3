// The class jobs besides publish: deploying a new class (its base on the hosts, the teacher's machine, the
// pool) and deleting a class (every machine, then its kept disks, derived bases and the class itself).
import type { Job, JobItem } from "@/generated/sqlite/client";
import { classTeacherIds } from "@/server/auth/permissions";
import { db } from "@/server/db/client";
import type { JobHandler } from "@/server/jobs/jobs";
import { scheduleAutoRetry } from "@/server/jobs/retry";
import { publishMachineDeleted } from "@/server/machines/machine-core";
import { deployHandler, ensureTemplateOnHost, removeFromHost } from "@/server/machines/provision";
import { publishClass } from "./access";
import { removeClassLeftovers } from "./publish";

/** The end of a class's status detail after a deploy with failed steps (the class page links to the job). */
const DEPLOY_FAILED = "deploy steps failed; see the job.";

const classIdOf = (job: Job) => (JSON.parse(job.payload) as { classId: string }).classId;

export const classDeployHandler: JobHandler = {
  async run(item: JobItem, job: Job) {
    if (item.machineId) return deployHandler.run(item);
    // "Class base": the base image on every host this class's machines were placed on
    const cls = await db().class.findUniqueOrThrow({ where: { id: classIdOf(job) } });
    if (!cls.baseTemplateId) throw new Error("The class has no base template.");
    const hosts = await db().machine.findMany({
      where: { jobId: job.id, hostId: { not: null } },
      select: { hostId: true },
      distinct: ["hostId"],
    });
    for (const h of hosts) await ensureTemplateOnHost(cls.baseTemplateId, h.hostId as string);
  },
  cleanup: (item: JobItem, job: Job) => (item.machineId ? deployHandler.cleanup(item, job) : Promise.resolve()),
  prepareRetry: (item: JobItem) => deployHandler.prepareRetry(item),
  async finish(job: Job) {
    const cls = await db().class.findUnique({
      where: { id: classIdOf(job) },
      include: { coOwners: { select: { userId: true } } },
    });
    if (!cls) return;
    // the first run makes the class READY; a retry (jobs/retry.ts) updates or clears what the first run said
    const detail = job.failed ? `${job.failed} of ${job.total} ${DEPLOY_FAILED}` : null;
    if (cls.status === "DEPLOYING") {
      await db().class.update({ where: { id: cls.id }, data: { status: "READY", statusDetail: detail } });
    } else if (cls.status === "READY" && (cls.statusDetail?.includes(DEPLOY_FAILED) || detail)) {
      await db().class.update({ where: { id: cls.id }, data: { statusDetail: detail } });
    } else return;
    if (job.failed) await scheduleAutoRetry(job);
    publishClass(cls, "class.updated");
  },
};

export const classDeleteHandler: JobHandler = {
  async run(item: JobItem) {
    if (!item.machineId) return;
    const m = await db().machine.findUnique({
      where: { id: item.machineId },
      include: { class: { select: { ownerId: true, coOwners: { select: { userId: true } } } } },
    });
    if (!m) return;
    await db().machine.update({
      where: { id: m.id },
      data: { state: "DELETING", stateDetail: "The class is being deleted…" },
    });
    await removeFromHost(m.id);
    await db().machine.delete({ where: { id: m.id } });
    publishMachineDeleted(m, classTeacherIds(m.class));
  },
  async cleanup() {
    // run() is idempotent: it simply runs again
  },
  async finish(job: Job) {
    const id = classIdOf(job);
    const cls = await db().class.findUnique({ where: { id }, include: { coOwners: { select: { userId: true } } } });
    if (!cls) return;
    const left = await db().machine.count({ where: { classId: id } });
    if (left) {
      await db().class.update({
        where: { id },
        data: { statusDetail: `${left} machine(s) could not be removed; delete the class again to retry.` },
      });
    } else {
      await removeClassLeftovers(id);
      await db().class.deleteMany({ where: { id } });
    }
    publishClass(cls, "class.updated");
  },
};
