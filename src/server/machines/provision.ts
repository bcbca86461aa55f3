// Creating machines: placement + rows in one locked step, then a deploy job that puts each machine on its host.
// The machine rows exist before anything is made on a host, and names on hosts derive from the row id, so a
// crash at any point can be cleaned up from the database alone.
import type { Host, Job, JobItem, Template } from "@/generated/sqlite/client";
import type { JobKind } from "@/lib/job-kinds";
import { recordAudit } from "@/server/audit/record";
import type { Ctx } from "@/server/auth/ctx";
import { classTeacherIds, mayPlaceMachines, mayUseTemplate } from "@/server/auth/permissions";
import { withClusterLock } from "@/server/cluster/lock";
import { db } from "@/server/db/client";
import { placeMachines } from "@/server/hosts/placement";
import { hostTarget } from "@/server/hosts/target";
import { AppError, invalid, notFound } from "@/server/http/app-error";
import { getJob, startJob } from "@/server/jobs/jobs";
import { scheduleAutoRetry } from "@/server/jobs/retry";
import { providerFor } from "@/server/providers";
import { type MachineProvider, names, ProviderError } from "@/server/providers/types";
import { type Tx, withQuota } from "@/server/quotas/enforce";
import {
  classNetwork,
  inFlight,
  loadMachine,
  machineInclude,
  machineRow,
  machineSpec,
  publishMachine,
} from "./machine-core";
import type { TCreateMachines } from "./routes";

/** Puts the template's base image on the host once (libvirt upload; Docker image check). */
export async function ensureTemplateOnHost(templateId: string, hostId: string): Promise<string> {
  return withClusterLock(
    `template-on-host:${templateId}:${hostId}`,
    async () => {
      const existing = await db().templateHost.findUnique({ where: { templateId_hostId: { templateId, hostId } } });
      if (existing) return existing.volume;
      const [template, host] = await Promise.all([
        db().template.findUniqueOrThrow({ where: { id: templateId } }),
        db().host.findUniqueOrThrow({ where: { id: hostId } }),
      ]);
      const { volume } = await providerFor(hostTarget(host)).prepareTemplate({
        id: template.id,
        imagePath: template.imagePath,
        dockerImage: template.dockerImage,
      });
      await db().templateHost.create({ data: { templateId, hostId, volume } });
      return volume;
    },
    { waitMs: 60 * 60_000 },
  ); // another instance may be uploading a large image to this host
}

export async function createMachines(ctx: Ctx, input: TCreateMachines) {
  const { actor } = ctx;
  const template = await db().template.findUnique({ where: { id: input.templateId } });
  if (!template || !mayUseTemplate(actor, template)) throw notFound("This template");
  if (template.status !== "READY")
    throw invalid({ templateId: `This template is not ready (${template.status.toLowerCase()}).` });
  if (!mayPlaceMachines(actor) && (input.hostId || (input.ownerId && input.ownerId !== actor.id) || input.fullCopy))
    throw new AppError("FORBIDDEN", "Only admins choose the host, the owner or full-copy disks.");
  const ownerId = input.ownerId ?? actor.id;
  if (input.ownerId && !(await db().user.findUnique({ where: { id: input.ownerId }, select: { id: true } })))
    throw invalid({ ownerId: "No such user." });

  // the owner's quota (machines, disk) is checked in the same transaction that writes the rows
  const { job, machineIds } = await reserveMachines({
    template,
    jobKind: "deploy",
    title: input.count === 1 ? `Create ${input.name}` : `Create ${input.count} × ${input.name}`,
    createdById: actor.id,
    hostId: input.hostId,
    quotaUserId: ownerId,
    machines: Array.from({ length: input.count }, (_, i) => ({
      name: input.count === 1 ? input.name : `${input.name}-${String(i + 1).padStart(String(input.count).length, "0")}`,
      ownerId,
      role: "PERSONAL",
      fullCopy: input.fullCopy,
    })),
  });
  await recordAudit({
    ...ctx,
    action: "machine.create",
    target: { type: "template", id: template.id, name: template.name },
    details: { count: input.count, jobId: job.id, fullCopy: input.fullCopy },
  });
  startJob(job.id);
  const machines = await db().machine.findMany({
    where: { id: { in: machineIds } },
    include: machineInclude,
    orderBy: { name: "asc" },
  });
  return { job: await getJob(job.id), machines: machines.map((m) => machineRow(m, actor)) };
}

/** One deploy item: the base image on the host, then the machine (disk + domain, or container). */
export async function provisionMachine(machineId: string): Promise<void> {
  const m = await loadMachine(machineId);
  if (!m.host || !m.template) throw new Error("The machine has no host or template.");
  inFlight().add(m.id);
  try {
    await db().machine.update({ where: { id: m.id }, data: { stateDetail: "Preparing the template on the host…" } });
    const volume = await ensureTemplateOnHost(m.template.id, m.host.id);
    await db().machine.update({ where: { id: m.id }, data: { stateDetail: "Creating…" } });
    const provider = providerFor(hostTarget(m.host));
    const spec = machineSpec(m, m.template, volume);
    spec.network = classNetwork(m, m.class);
    if (spec.network) await ensureClassNetwork(m.host.id, provider, spec.network);
    const created = await provider.create(spec);
    const done = await db().machine.update({
      where: { id: m.id },
      data: { state: "STOPPED", stateDetail: null, providerRef: created.ref, diskVolume: created.diskVolume },
    });
    publishMachine(done, classTeacherIds(m.class));
  } catch (error) {
    const reason = error instanceof ProviderError ? error.message : (error as Error).message;
    await removeFromHost(m.id).catch(() => undefined);
    const failed = await db().machine.update({
      where: { id: m.id },
      data: { state: "FAILED", stateDetail: `Could not be created: ${reason}` },
    });
    publishMachine(failed, classTeacherIds(m.class));
    throw new Error(reason);
  } finally {
    inFlight().delete(m.id);
  }
}

/**
 * A class's isolated network on a host, made once: every machine of the class on that host asks, and they run
 * concurrently (a deploy's teacher and pool machines, joins, other instances), so the check-and-create runs
 * under the cluster lock `network:<host>:<name>`; the providers' ensureNetwork is a no-op when it exists.
 */
export function ensureClassNetwork(
  hostId: string,
  provider: Pick<MachineProvider, "ensureNetwork">,
  name: string,
): Promise<void> {
  return withClusterLock(`network:${hostId}:${name}`, () => provider.ensureNetwork(name, { isolated: true }), {
    waitMs: 10 * 60_000,
  });
}

/** Removes whatever exists on the host for this machine (idempotent). */
export async function removeFromHost(machineId: string): Promise<void> {
  const m = await loadMachine(machineId);
  if (!m.host) return;
  await providerFor(hostTarget(m.host)).delete(names.domain(m.id), {
    machineId: m.id,
    template: { keepDataDisk: m.template?.keepDataDisk ?? true } as never,
  });
}

/** Creating machines: one item per machine (also used by class deploys and pools). */
export const deployHandler = {
  async run(item: JobItem) {
    if (!item.machineId) throw new Error("No machine for this item.");
    await provisionMachine(item.machineId);
  },
  async cleanup(item: JobItem, _job: Job) {
    if (!item.machineId) return;
    const exists = await db().machine.findUnique({ where: { id: item.machineId }, select: { id: true } });
    if (!exists) return;
    await removeFromHost(item.machineId);
    await db().machine.update({
      where: { id: item.machineId },
      data: { state: "PROVISIONING", stateDetail: "Resumed after a restart…", providerRef: null, diskVolume: null },
    });
  },
  /** A failed machine goes back to PROVISIONING (provisionMachine removed what it had made on the host). */
  async prepareRetry(item: JobItem) {
    if (!item.machineId) return true;
    const back = await db().machine.updateMany({
      where: { id: item.machineId, state: "FAILED" },
      data: { state: "PROVISIONING", stateDetail: "Waiting to be created again…", providerRef: null, diskVolume: null },
    });
    if (back.count !== 1) return false;
    const m = await loadMachine(item.machineId);
    publishMachine(m, classTeacherIds(m.class));
    return true;
  },
  /** A class pool's failed machines are retried automatically with backoff (jobs/retry.ts). */
  async finish(job: Job) {
    if (job.failed > 0) await scheduleAutoRetry(job);
  },
};

export type Reservation = {
  template: Template;
  jobKind: JobKind;
  title: string;
  createdById: string;
  payload?: Record<string, unknown>;
  /** Items without a machine that come first (for example "Class base"). */
  leadingItems?: string[];
  machines: {
    name: string;
    ownerId: string | null;
    role: string;
    classId?: string | null;
    fullCopy?: boolean;
    baseVersion?: number;
  }[];
  /** The user whose quota the owned machines count against (checked in the same transaction). */
  quotaUserId?: string | null;
  /** Only this host (an admin's choice); otherwise placement picks. */
  hostId?: string | null;
};

/**
 * Placement, machine rows, a job and its items in one locked step (classes, pools, joins). The caller starts
 * the job. Owned machines count against quotaUserId's quota in the same transaction.
 */
export async function reserveMachines(
  r: Reservation,
  inTx?: { tx: Tx; hosts: Host[] },
): Promise<{ job: Job; machineIds: string[] }> {
  const t = r.template;
  const write = async (client: Tx, hosts: Host[]) => {
    const lead = r.leadingItems ?? [];
    const job = await client.job.create({
      data: {
        kind: r.jobKind,
        title: r.title,
        createdById: r.createdById,
        total: lead.length + r.machines.length,
        payload: JSON.stringify({ templateId: t.id, ...r.payload }),
      },
    });
    for (const [i, label] of lead.entries())
      await client.jobItem.create({ data: { jobId: job.id, position: i, label } });
    const machineIds: string[] = [];
    for (const [i, spec] of r.machines.entries()) {
      const m = await client.machine.create({
        data: {
          name: spec.name,
          ownerId: spec.ownerId,
          classId: spec.classId ?? null,
          templateId: t.id,
          hostId: (hosts[i] as { id: string }).id,
          kind: t.kind,
          role: spec.role,
          state: "PROVISIONING",
          stateDetail: "Waiting to be created…",
          fullCopy: spec.fullCopy ?? false,
          baseVersion: spec.baseVersion ?? null,
          vcpus: t.vcpus,
          memoryMb: t.memoryMb,
          diskGb: t.diskGb,
          jobId: job.id,
        },
      });
      machineIds.push(m.id);
      await client.jobItem.create({
        data: { jobId: job.id, position: lead.length + i, label: spec.name, machineId: m.id },
      });
    }
    return { job, machineIds };
  };
  if (inTx) return write(inTx.tx, inTx.hosts);
  return withClusterLock("placement", async () => {
    const hosts = await placeFor(t, r.machines.length, r.hostId);
    const owned = r.machines.filter((m) => m.ownerId && m.ownerId === r.quotaUserId).length;
    if (r.quotaUserId && owned)
      return withQuota(r.quotaUserId, { machines: owned, diskGb: owned * t.diskGb }, (tx) => write(tx, hosts));
    return db().$transaction((tx) => write(tx, hosts));
  });
}

/** Hosts for `count` machines of a template (call inside withClusterLock("placement")). */
export function placeFor(
  t: Pick<Template, "kind" | "vcpus" | "memoryMb" | "diskGb">,
  count: number,
  hostId?: string | null,
): Promise<Host[]> {
  return count
    ? placeMachines(t.kind, { vcpus: t.vcpus, memoryMb: t.memoryMb, diskGb: t.diskGb }, count, { hostId })
    : Promise.resolve([]);
}
