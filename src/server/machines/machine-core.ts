// Shared pieces of the machines domain: loading with relations, who may see or control a machine, the API
// row, the provider spec, and the in-flight registry the reconciler respects.
import type { Host, Machine, Template } from "@/generated/sqlite/client";
import { parseConsoleKinds } from "@/lib/machine-states";
import type { Actor } from "@/server/auth/actor";
import { db } from "@/server/db/client";
import { publish } from "@/server/events/bus";
import { hostTarget } from "@/server/hosts/hosts";
import { notFound } from "@/server/http/app-error";
import { providerFor } from "@/server/providers";
import { type MachineProvider, type MachineSpec, names } from "@/server/providers/types";
import type { TMachineRow } from "./routes";

export const machineInclude = {
  owner: { select: { id: true, name: true, email: true } },
  class: { select: { id: true, name: true, ownerId: true } },
  template: true,
  host: true,
} as const;

export type MachineWith = Machine & {
  owner: { id: string; name: string; email: string } | null;
  class: { id: string; name: string; ownerId: string } | null;
  template: Template | null;
  host: Host | null;
};

export async function loadMachine(id: string): Promise<MachineWith> {
  const m = await db().machine.findUnique({ where: { id }, include: machineInclude });
  if (!m) throw notFound("This machine");
  return m;
}

/** Owner, the class's teacher, or an admin. */
export function canControl(actor: Actor, m: Pick<MachineWith, "ownerId" | "class">): boolean {
  return actor.role === "ADMIN" || m.ownerId === actor.id || (actor.role === "TEACHER" && m.class?.ownerId === actor.id);
}

/** Loads a machine the actor may use; others' machines are "not found" (no existence leak). */
export async function loadForActor(actor: Actor, id: string): Promise<MachineWith> {
  const m = await loadMachine(id);
  if (!canControl(actor, m)) throw notFound("This machine");
  return m;
}

export function machineRow(m: MachineWith, actor: Actor | null): TMachineRow {
  return {
    id: m.id,
    name: m.name,
    kind: m.kind,
    role: m.role,
    state: m.state as TMachineRow["state"],
    stateDetail: m.stateDetail,
    owner: m.owner,
    class: m.class ? { id: m.class.id, name: m.class.name } : null,
    template: m.template ? { id: m.template.id, name: m.template.name, consoleKinds: parseConsoleKinds(m.template.consoleKinds), osType: m.template.osType } : null,
    host: m.host ? { id: m.host.id, name: m.host.name, status: m.host.status } : null,
    vcpus: m.vcpus,
    memoryMb: m.memoryMb,
    diskGb: m.diskGb,
    fullCopy: m.fullCopy,
    ipAddresses: m.ipAddresses ? m.ipAddresses.split(",").filter(Boolean) : [],
    drift: m.drift,
    driftAt: m.driftAt?.toISOString() ?? null,
    display:
      actor?.role === "ADMIN" && m.host && (m.vncPort || m.spicePort) ? { host: m.host.consoleAddress, vncPort: m.vncPort, spicePort: m.spicePort } : null,
    lastStartedAt: m.lastStartedAt?.toISOString() ?? null,
    lastStoppedAt: m.lastStoppedAt?.toISOString() ?? null,
    jobId: m.jobId,
    createdAt: m.createdAt.toISOString(),
  };
}

export function machineSpec(m: Machine, t: Template, volume: string | null): MachineSpec {
  return {
    machineId: m.id,
    name: m.name,
    vcpus: m.vcpus,
    memoryMb: m.memoryMb,
    diskGb: m.diskGb,
    fullCopy: m.fullCopy,
    network: null,
    install: m.role === "INSTALL" ? { isoVolume: names.isoVolume(t.id) } : null,
    labels: { "lab-portal.owner": m.ownerId ?? "", "lab-portal.class": m.classId ?? "" },
    template: {
      id: t.id,
      kind: t.kind,
      volume,
      volumeFormat: t.imageFormat === "raw" ? "raw" : "qcow2",
      dockerImage: t.dockerImage,
      dockerCommand: t.dockerCommand ? (JSON.parse(t.dockerCommand) as string[]) : null,
      shell: t.shell,
      consoleKinds: parseConsoleKinds(t.consoleKinds),
      sshPort: t.sshPort,
      rdpPort: t.rdpPort,
      osType: t.osType,
      keepDataDisk: t.keepDataDisk,
    },
  };
}

/** The provider and spec for a machine that has a host and a template (throws a clear error otherwise). */
export async function providerAndSpec(m: MachineWith): Promise<{ provider: MachineProvider; spec: MachineSpec }> {
  if (!m.host) throw new Error("This machine has no host.");
  if (!m.template) throw new Error("This machine's template was deleted; it can only be deleted.");
  const copy = await db().templateHost.findUnique({ where: { templateId_hostId: { templateId: m.template.id, hostId: m.host.id } } });
  return { provider: providerFor(hostTarget(m.host)), spec: machineSpec(m, m.template, copy?.volume ?? m.template.dockerImage ?? null) };
}

const globalForInFlight = globalThis as unknown as { __labInFlight?: Set<string> };
/** Machines this process is working on right now: the reconciler leaves them alone. */
export function inFlight(): Set<string> {
  globalForInFlight.__labInFlight ??= new Set();
  return globalForInFlight.__labInFlight;
}

export function publishMachine(m: Pick<Machine, "id" | "ownerId" | "classId" | "state" | "stateDetail">, teacherId?: string | null): void {
  const userIds = [m.ownerId, teacherId].filter((x): x is string => Boolean(x));
  publish({ type: "machine.updated", audience: { userIds, roles: ["ADMIN"] }, data: { id: m.id, state: m.state, stateDetail: m.stateDetail } });
}

export function publishMachineDeleted(m: Pick<Machine, "id" | "ownerId">, teacherId?: string | null): void {
  const userIds = [m.ownerId, teacherId].filter((x): x is string => Boolean(x));
  publish({ type: "machine.deleted", audience: { userIds, roles: ["ADMIN"] }, data: { id: m.id } });
}
