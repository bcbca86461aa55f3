// Publish: the teacher's machine becomes the class's new base and every student (and pool) machine is re-created
// from it, as a job with one item per machine. Nothing is lost: before a student's disk is replaced it is kept
// (libvirt: a copy of the volume; Docker: the container committed to an image) until the teacher releases it or
// the class's retention (keepDays) passes. Running machines are told and shut down first. One student's failure
// does not stop the rest; "retry" runs the machines still on an older version.
import { rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { env } from "@/env";
import type { Job, JobItem } from "@/generated/sqlite/client";
import type { JobKind } from "@/lib/job-kinds";
import { recordAudit } from "@/server/audit/record";
import type { Actor } from "@/server/auth/actor";
import type { Ctx } from "@/server/auth/ctx";
import { classTeacherIds } from "@/server/auth/permissions";
import { db } from "@/server/db/client";
import { publish } from "@/server/events/bus";
import { hostTarget } from "@/server/hosts/target";
import { AppError, notFound } from "@/server/http/app-error";
import { getJob, type JobHandler, type JobView, startJob } from "@/server/jobs/jobs";
import { logger } from "@/server/log";
import { classNetwork, inFlight, loadMachine, machineSpec, publishMachine } from "@/server/machines/machine-core";
import { ensureClassNetwork, ensureTemplateOnHost } from "@/server/machines/provision";
import { stoppedFields } from "@/server/machines/run-state";
import { providerFor } from "@/server/providers";
import { names, ProviderError } from "@/server/providers/types";
import { loadClassFor, publishClass } from "./access";

type PublishPayload = { classId: string; version: number; fromMachineId: string };

export async function publishBase(ctx: Ctx, classId: string, retry: boolean): Promise<{ job: JobView }> {
  const { actor } = ctx;
  const { cls } = await loadClassFor(actor, classId);
  if (cls.archivedAt) throw new AppError("CLASS_ARCHIVED", "Restore the class before publishing.");
  const teacher = await db().machine.findFirst({ where: { classId, role: "TEACHER" }, orderBy: { createdAt: "asc" } });
  if (!teacher) throw new AppError("INVALID_STATE", "This class has no teacher's machine to publish from.");
  if (!retry && teacher.state !== "STOPPED")
    throw new AppError(
      "INVALID_STATE",
      `Shut your machine (${teacher.name}) down before publishing, so its disk is complete. It is ${teacher.state.toLowerCase()}.`,
    );
  const version = retry ? cls.baseVersion : cls.baseVersion + 1;
  const targets = await db().machine.findMany({
    where: {
      classId,
      role: { in: ["STUDENT", "POOL"] },
      state: { not: "DELETING" },
      OR: [{ baseVersion: null }, { baseVersion: { lt: version } }],
    },
    include: { owner: { select: { name: true } } },
    orderBy: { name: "asc" },
  });
  if (retry && !targets.length)
    throw new AppError("INVALID_STATE", `Every student machine is already on version ${version}.`);
  const claimed = await db().class.updateMany({
    where: { id: classId, status: "READY" },
    data: { status: "PUBLISHING", statusDetail: `Publishing version ${version}…` },
  });
  if (!claimed.count)
    throw new AppError("INVALID_STATE", `The class is busy (${cls.status.toLowerCase()}); wait until it is ready.`);
  const lead = retry ? [] : [`Class base v${version} from ${teacher.name}`];
  const payload: PublishPayload = { classId, version, fromMachineId: teacher.id };
  const job = await db().job.create({
    data: {
      kind: "class-publish" satisfies JobKind,
      title: `${retry ? "Retry publishing" : "Publish"} ${cls.name} v${version}`,
      createdById: actor.id,
      total: lead.length + targets.length,
      payload: JSON.stringify(payload),
      items: {
        create: [
          ...lead.map((label, i) => ({ position: i, label })),
          ...targets.map((m, i) => ({ position: lead.length + i, label: m.owner?.name ?? m.name, machineId: m.id })),
        ],
      },
    },
  });
  await recordAudit({
    ...ctx,
    action: retry ? "class.publish.retry" : "class.publish",
    target: { type: "class", id: classId, name: cls.name },
    details: { version, machines: targets.length, jobId: job.id },
  });
  publishClass(cls, "class.updated");
  startJob(job.id);
  return { job: await getJob(job.id) };
}

const payloadOf = (job: Job) => JSON.parse(job.payload) as PublishPayload;

/** The new base: the teacher's disk made an image by its provider (libvirt: a file in data/images; Docker: a commit). */
async function makeBase(job: Job): Promise<void> {
  const { classId, version, fromMachineId } = payloadOf(job);
  const cls = await db().class.findUniqueOrThrow({
    where: { id: classId },
    include: { baseTemplate: true, template: true },
  });
  if (cls.baseVersion >= version) return;
  const source = cls.baseTemplate ?? cls.template;
  if (!source) throw new Error("The class's template was deleted.");
  const m = await loadMachine(fromMachineId);
  if (!m.host) throw new Error("The teacher's machine has no host.");
  if (m.state !== "STOPPED")
    throw new Error(`The teacher's machine must be shut down (it is ${m.state.toLowerCase()}).`);
  const { id: _id, createdAt: _c, updatedAt: _u, installMachineId: _i, isoPath: _iso, ...specs } = source;
  const image = await providerFor(hostTarget(m.host)).captureImage(
    { machineId: m.id, ref: m.providerRef ?? names.domain(m.id) },
    { name: `class-${classId}`, tag: `v${version}`, dir: join(resolve(env().DATA_DIR), "images") },
  );
  const template = await db().template.create({
    data: {
      ...specs,
      ...image,
      name: `${cls.name} base v${version}`.slice(0, 80),
      ownerId: cls.ownerId,
      classId,
      status: "READY",
      statusDetail: null,
    },
  });
  await db().class.update({ where: { id: classId }, data: { baseTemplateId: template.id, baseVersion: version } });
}

async function waitForBase(job: Job): Promise<string> {
  const { classId, version } = payloadOf(job);
  for (;;) {
    const cls = await db().class.findUnique({
      where: { id: classId },
      select: { baseVersion: true, baseTemplateId: true },
    });
    if (!cls) throw new Error("The class was deleted.");
    if (cls.baseVersion >= version && cls.baseTemplateId) return cls.baseTemplateId;
    const baseItem = await db().jobItem.findFirst({ where: { jobId: job.id, machineId: null } });
    if (!baseItem || baseItem.status === "FAILED")
      throw new Error(`The new class base could not be made${baseItem?.error ? `: ${baseItem.error}` : ""}.`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** One student's machine: told, shut down, its disk kept, then re-created from the new base. */
async function updateMachine(machineId: string, job: Job): Promise<void> {
  const { classId, version } = payloadOf(job);
  const baseId = await waitForBase(job);
  const before = await loadMachine(machineId).catch(() => null);
  if (!before || (before.baseVersion ?? 0) >= version) return;
  if (!before.host) throw new Error("The machine has no host.");
  const claimed = await db().machine.updateMany({
    where: { id: machineId, state: { in: ["STOPPED", "RUNNING", "FAILED"] } },
    data: { state: "REVERTING", stateDetail: `Updating to version ${version} of the class…` },
  });
  if (!claimed.count) throw new Error(`The machine is busy (${before.state.toLowerCase()}); retry when it is stopped.`);
  inFlight().add(machineId);
  const m = await loadMachine(machineId);
  publishMachine(m, classTeacherIds(m.class));
  const provider = providerFor(hostTarget(before.host));
  try {
    const ref = m.providerRef ?? names.domain(m.id);
    if (before.state === "RUNNING") {
      if (m.ownerId)
        publish({
          type: "class.publish.notice",
          audience: { userIds: [m.ownerId] },
          data: {
            machineId,
            message: `Your teacher published a new version of ${m.class?.name ?? "the class"}. ${m.name} is shutting down; your current disk is kept.`,
          },
        });
      await provider.stop(ref, { timeoutMs: env().MACHINE_STOP_TIMEOUT_SECONDS * 1000 });
    }
    const cls = await db().class.findUniqueOrThrow({ where: { id: classId }, select: { keepDays: true } });
    const oldVersion = before.baseVersion ?? 1;
    const label = `${m.owner?.name ?? m.name} (v${oldVersion})`;
    if (m.providerRef && !(await db().keptDisk.findFirst({ where: { machineId, label, releasedAt: null } }))) {
      const keptRef = await provider.keepDisk(ref, m.id, names.kept(m.id, oldVersion));
      await db().keptDisk.create({
        data: {
          classId,
          machineId,
          hostId: before.host.id,
          kind: m.kind,
          ref: keptRef,
          label,
          jobId: job.id,
          keepUntil: new Date(Date.now() + cls.keepDays * 86_400_000),
        },
      });
    }
    const base = await db().template.findUniqueOrThrow({ where: { id: baseId } });
    const volume = await ensureTemplateOnHost(base.id, before.host.id);
    const spec = machineSpec(m, base, volume);
    spec.network = classNetwork(m, m.class);
    if (spec.network && m.hostId) await ensureClassNetwork(m.hostId, provider, spec.network);
    const created = m.providerRef ? await provider.revert(m.providerRef, spec) : await provider.create(spec);
    const done = await db().machine.update({
      where: { id: machineId },
      data: {
        templateId: base.id,
        baseVersion: version,
        state: "STOPPED",
        stateDetail: `Updated to version ${version} of the class.`,
        providerRef: created.ref,
        diskVolume: created.diskVolume,
        sshHostKey: null,
        ...stoppedFields(),
        drift: null,
        driftAt: null,
      },
    });
    publishMachine(done, classTeacherIds(m.class));
  } catch (error) {
    const reason = error instanceof ProviderError ? error.message : (error as Error).message;
    const failed = await db()
      .machine.update({
        where: { id: machineId },
        data: {
          state: "FAILED",
          stateDetail: `Update to version ${version} failed: ${reason} The previous disk is kept; retry the publish.`,
        },
      })
      .catch(() => null);
    if (failed) publishMachine(failed, classTeacherIds(m.class));
    throw new Error(reason);
  } finally {
    inFlight().delete(machineId);
  }
}

export const classPublishHandler: JobHandler = {
  async run(item: JobItem, job: Job) {
    if (item.machineId) await updateMachine(item.machineId, job);
    else await makeBase(job);
  },
  async cleanup(item: JobItem) {
    // an interrupted update runs again: the kept disk is found by its label, the machine is re-created
    if (item.machineId)
      await db().machine.updateMany({
        where: { id: item.machineId, state: "REVERTING" },
        data: { state: "FAILED", stateDetail: "Interrupted by a restart; updating again…" },
      });
  },
  async finish(job: Job) {
    const { classId } = payloadOf(job);
    const cls = await db().class.findUnique({
      where: { id: classId },
      include: { coOwners: { select: { userId: true } } },
    });
    if (!cls) return;
    await db().class.update({
      where: { id: classId },
      data: {
        status: "READY",
        statusDetail: job.failed ? `${job.failed} of ${job.total} could not be updated — retry the publish.` : null,
      },
    });
    publishClass(cls, "class.updated");
  },
};

export async function listKeptDisks(actor: Actor, classId: string) {
  await loadClassFor(actor, classId);
  const rows = await db().keptDisk.findMany({ where: { classId, releasedAt: null }, orderBy: { createdAt: "desc" } });
  return {
    items: rows.map((k) => ({
      id: k.id,
      label: k.label,
      machineId: k.machineId,
      keepUntil: k.keepUntil.toISOString(),
      createdAt: k.createdAt.toISOString(),
    })),
  };
}

async function removeKeptDisk(k: { id: string; hostId: string | null; ref: string }): Promise<void> {
  const host = k.hostId ? await db().host.findUnique({ where: { id: k.hostId } }) : null;
  if (host) await providerFor(hostTarget(host)).removeKept(k.ref);
  await db().keptDisk.update({ where: { id: k.id }, data: { releasedAt: new Date() } });
}

export async function releaseKeptDisk(ctx: Ctx, classId: string, keptId: string): Promise<void> {
  const { actor } = ctx;
  const { cls } = await loadClassFor(actor, classId);
  const k = await db().keptDisk.findFirst({ where: { id: keptId, classId, releasedAt: null } });
  if (!k) throw notFound("This kept disk");
  await removeKeptDisk(k);
  await recordAudit({
    ...ctx,
    action: "class.kept_disk.release",
    target: { type: "class", id: classId, name: cls.name },
    details: { keptDiskId: k.id, label: k.label },
  });
}

/** Kept disks past their retention are removed (at start and every few minutes). */
export async function sweepKeptDisks(now = new Date()): Promise<number> {
  const due = await db().keptDisk.findMany({ where: { releasedAt: null, keepUntil: { lte: now } } });
  let n = 0;
  for (const k of due) {
    try {
      await removeKeptDisk(k);
      n++;
    } catch (error) {
      logger().error({ err: error, classId: k.classId, ref: k.ref }, "[classes] could not remove a kept disk");
    }
  }
  return n;
}

/** Every kept disk and derived base of a class (when the class is deleted). */
export async function removeClassLeftovers(classId: string): Promise<void> {
  const kept = await db().keptDisk.findMany({ where: { classId, releasedAt: null } });
  for (const k of kept)
    await removeKeptDisk(k).catch((error) =>
      logger().error({ err: error, classId, ref: k.ref }, "[classes] could not remove a kept disk"),
    );
  const bases = await db().template.findMany({ where: { classId }, include: { hosts: { include: { host: true } } } });
  for (const t of bases) {
    if (await db().machine.count({ where: { templateId: t.id } })) continue;
    for (const copy of t.hosts)
      await providerFor(hostTarget(copy.host))
        .removeTemplate(copy.volume)
        .catch(() => undefined);
    // Docker leaves images to admins, but a class base image is the portal's own (made by publish)
    if (t.kind === "DOCKER" && t.dockerImage)
      for (const host of await db().host.findMany({ where: { kind: "DOCKER" } }))
        await providerFor(hostTarget(host))
          .removeKept(t.dockerImage)
          .catch(() => undefined);
    if (t.imagePath) await rm(t.imagePath, { force: true });
    await db()
      .template.delete({ where: { id: t.id } })
      .catch(() => undefined);
  }
  // the class's own network on every host of the class's kind (absent ones are fine)
  const network = classNetwork({ classId }, { isolatedNetwork: true });
  for (const host of await db().host.findMany({ where: { status: { in: ["ONLINE", "DEGRADED"] } } }))
    await providerFor(hostTarget(host))
      .removeNetwork(network as string)
      .catch(() => undefined);
}
