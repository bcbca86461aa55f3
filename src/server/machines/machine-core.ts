// Shared pieces of the machines domain: loading with relations, loading what the actor may control, the API
// row, the provider spec, and the in-flight registry the reconciler respects.
import type { Host, Machine, Template } from "@/generated/sqlite/client";
import { CLASS_MACHINE_DELETE_REFUSAL, studentClassMachine } from "@/lib/class-machines";
import { parseCapabilities } from "@/lib/docker-capabilities";
import { ipv4List } from "@/lib/ipv4";
import { parseConsoleKinds } from "@/lib/machine-states";
import {
  type NativeDownloads,
  type RdpReach,
  rdpRefusal,
  VV_LOOPBACK_REFUSAL,
  vvAddress,
} from "@/lib/native-downloads";
import type { Actor } from "@/server/auth/actor";
import { mayControlMachine, maySeeDisplay } from "@/server/auth/permissions";
import { db } from "@/server/db/client";
import { publish } from "@/server/events/bus";
import { hostTarget } from "@/server/hosts/target";
import { notFound } from "@/server/http/app-error";
import { providerFor } from "@/server/providers";
import { type MachineProvider, type MachineSpec, names } from "@/server/providers/types";
import type { TMachineRow } from "./routes";

export const machineInclude = {
  owner: { select: { id: true, name: true, email: true } },
  class: {
    select: { id: true, name: true, ownerId: true, isolatedNetwork: true, coOwners: { select: { userId: true } } },
  },
  template: true,
  host: true,
} as const;

export type MachineWith = Machine & {
  owner: { id: string; name: string; email: string } | null;
  class: { id: string; name: string; ownerId: string; isolatedNetwork: boolean; coOwners: { userId: string }[] } | null;
  template: Template | null;
  host: Host | null;
};

export async function loadMachine(id: string): Promise<MachineWith> {
  const m = await db().machine.findUnique({ where: { id }, include: machineInclude });
  if (!m) throw notFound("This machine");
  return m;
}

/** A class machine's network: its own isolated network when the class asks for one. */
export function classNetwork(
  m: Pick<Machine, "classId">,
  c: { isolatedNetwork: boolean } | null | undefined,
): string | null {
  return m.classId && c?.isolatedNetwork ? `lpc-${m.classId.slice(-10)}` : null;
}

/** Loads a machine the actor may use; others' machines are "not found" (no existence leak). */
export async function loadForActor(actor: Actor, id: string): Promise<MachineWith> {
  const m = await loadMachine(id);
  if (!mayControlMachine(actor, m)) throw notFound("This machine");
  return m;
}

/** Which desktop-client files (.vv, .rdp) the machine offers and whether the user's computer could reach it. */
export function machineDownloads(m: MachineWith, reach: RdpReach): NativeDownloads {
  const kinds = m.template ? parseConsoleKinds(m.template.consoleKinds) : [];
  const vv =
    m.kind === "LIBVIRT" && kinds.includes("spice")
      ? !m.host
        ? { available: false, reason: "The machine has no host yet." }
        : vvAddress(m.host)
          ? { available: true, reason: null }
          : { available: false, reason: VV_LOOPBACK_REFUSAL }
      : null;
  let rdp: NativeDownloads["rdp"] = null;
  if (kinds.includes("rdp")) {
    const address = ipv4List(m.ipAddresses)[0];
    const refusal = address ? rdpRefusal(address, reach) : "This machine has no network address yet: start it first.";
    rdp = { available: refusal === null, reason: refusal };
  }
  return { vv, rdp };
}

/** The API row; `reach` (from rdpReach()) adds which desktop-client downloads are available and why not. */
export function machineRow(m: MachineWith, actor: Actor | null, reach?: RdpReach): TMachineRow {
  return {
    id: m.id,
    name: m.name,
    kind: m.kind,
    role: m.role,
    state: m.state as TMachineRow["state"],
    stateDetail: m.stateDetail,
    owner: m.owner,
    class: m.class ? { id: m.class.id, name: m.class.name } : null,
    template: m.template
      ? {
          id: m.template.id,
          name: m.template.name,
          consoleKinds: parseConsoleKinds(m.template.consoleKinds),
          osType: m.template.osType,
          sshUser: m.template.sshUser,
        }
      : null,
    host: m.host ? { id: m.host.id, name: m.host.name, status: m.host.status } : null,
    vcpus: m.vcpus,
    memoryMb: m.memoryMb,
    diskGb: m.diskGb,
    fullCopy: m.fullCopy,
    ipAddresses: m.ipAddresses ? m.ipAddresses.split(",").filter(Boolean) : [],
    drift: m.drift,
    driftAt: m.driftAt?.toISOString() ?? null,
    display:
      maySeeDisplay(actor) && m.host && (m.vncPort || m.spicePort)
        ? { host: m.host.consoleAddress, vncPort: m.vncPort, spicePort: m.spicePort }
        : null,
    lastStartedAt: m.lastStartedAt?.toISOString() ?? null,
    lastStoppedAt: m.lastStoppedAt?.toISOString() ?? null,
    jobId: m.jobId,
    createdAt: m.createdAt.toISOString(),
    deleteRefusal: actor && studentClassMachine(actor, m) ? CLASS_MACHINE_DELETE_REFUSAL : null,
    ...(reach ? { downloads: machineDownloads(m, reach) } : {}),
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
      dockerCapabilities: parseCapabilities(t.dockerCapabilities),
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
  const copy = await db().templateHost.findUnique({
    where: { templateId_hostId: { templateId: m.template.id, hostId: m.host.id } },
  });
  const spec = machineSpec(m, m.template, copy?.volume ?? m.template.dockerImage ?? null);
  spec.network = classNetwork(m, m.class);
  return { provider: providerFor(hostTarget(m.host)), spec };
}

const globalForInFlight = globalThis as unknown as { __labInFlight?: Set<string> };
/** Machines this process is working on right now: the reconciler leaves them alone. */
export function inFlight(): Set<string> {
  globalForInFlight.__labInFlight ??= new Set();
  return globalForInFlight.__labInFlight;
}

export function publishMachine(
  m: Pick<Machine, "id" | "ownerId" | "classId" | "state" | "stateDetail">,
  teachers?: string | string[] | null,
): void {
  const userIds = [m.ownerId, ...(Array.isArray(teachers) ? teachers : [teachers])].filter((x): x is string =>
    Boolean(x),
  );
  publish({
    type: "machine.updated",
    audience: { userIds, roles: ["ADMIN"] },
    data: { id: m.id, state: m.state, stateDetail: m.stateDetail },
  });
}

export function publishMachineDeleted(m: Pick<Machine, "id" | "ownerId">, teachers?: string | string[] | null): void {
  const userIds = [m.ownerId, ...(Array.isArray(teachers) ? teachers : [teachers])].filter((x): x is string =>
    Boolean(x),
  );
  publish({ type: "machine.deleted", audience: { userIds, roles: ["ADMIN"] }, data: { id: m.id } });
}
