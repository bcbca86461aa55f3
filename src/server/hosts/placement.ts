// Placement: a new machine goes to the online host (of the template's kind, not cordoned or draining) with the
// most free capacity that fits it. When none fits, the error names each host's blocking limit.
import type { Host } from "@/generated/sqlite/client";
import { db } from "@/server/db/client";
import { AppError } from "@/server/http/app-error";
import { type HostUsage, usageByHost } from "./host-row";

export type Needs = { vcpus: number; memoryMb: number; diskGb: number };

/** Why a host cannot take a machine, or null when it can. Pure, for tests. */
export function blockingLimit(
  host: Pick<Host, "name" | "status" | "cordoned" | "draining" | "vcpus" | "memoryMb" | "diskGb" | "maxMachines">,
  used: HostUsage,
  needs: Needs,
): string | null {
  if (host.status === "OFFLINE" || host.status === "UNKNOWN") return `${host.name} is ${host.status.toLowerCase()}`;
  if (host.cordoned || host.draining) return `${host.name} is ${host.draining ? "draining" : "cordoned"}`;
  if (used.machines + 1 > host.maxMachines) return `${host.name} has its maximum of ${host.maxMachines} machines`;
  if (used.vcpus + needs.vcpus > host.vcpus)
    return `${host.name} has ${host.vcpus - used.vcpus} vCPU free (needs ${needs.vcpus})`;
  if (used.memoryMb + needs.memoryMb > host.memoryMb)
    return `${host.name} has ${fmtMb(host.memoryMb - used.memoryMb)} RAM free (needs ${fmtMb(needs.memoryMb)})`;
  if (used.diskGb + needs.diskGb > host.diskGb)
    return `${host.name} has ${host.diskGb - used.diskGb} GB disk free (needs ${needs.diskGb} GB)`;
  return null;
}

/** Score: the smallest free fraction across the limits after placing (higher = emptier host). */
export function freeScore(
  host: Pick<Host, "vcpus" | "memoryMb" | "diskGb" | "maxMachines">,
  used: HostUsage,
  needs: Needs,
): number {
  return Math.min(
    (host.vcpus - used.vcpus - needs.vcpus) / host.vcpus,
    (host.memoryMb - used.memoryMb - needs.memoryMb) / host.memoryMb,
    (host.diskGb - used.diskGb - needs.diskGb) / host.diskGb,
    (host.maxMachines - used.machines - 1) / host.maxMachines,
  );
}

function fmtMb(mb: number) {
  return mb >= 1024 ? `${(mb / 1024).toFixed(mb % 1024 ? 1 : 0)} GiB` : `${mb} MiB`;
}

/**
 * Picks a host for `count` machines of one size (spread one by one over the hosts, each time to the emptiest).
 * Call inside withClusterLock("placement") together with creating the machine rows, so concurrent calls see each other.
 */
export async function placeMachines(
  kind: Host["kind"],
  needs: Needs,
  count: number,
  options: { hostId?: string | null } = {},
): Promise<Host[]> {
  const hosts = await db().host.findMany({
    where: { kind, ...(options.hostId ? { id: options.hostId } : {}) },
    orderBy: { name: "asc" },
  });
  if (hosts.length === 0) {
    throw new AppError(
      "NO_CAPACITY",
      options.hostId
        ? "That host does not exist or is of another kind."
        : `No ${kind === "LIBVIRT" ? "libvirt/KVM" : "Docker"} host is registered. An admin adds one under Hosts.`,
    );
  }
  const usage = await usageByHost();
  const used = new Map(
    hosts.map((h) => [h.id, { ...(usage.get(h.id) ?? { vcpus: 0, memoryMb: 0, diskGb: 0, machines: 0 }) }]),
  );
  const placed: Host[] = [];
  for (let i = 0; i < count; i++) {
    let best: Host | null = null;
    let bestScore = -Infinity;
    const reasons: string[] = [];
    for (const host of hosts) {
      const u = used.get(host.id) as HostUsage;
      const reason = blockingLimit(host, u, needs);
      if (reason) {
        reasons.push(reason);
        continue;
      }
      const score = freeScore(host, u, needs);
      if (score > bestScore) {
        best = host;
        bestScore = score;
      }
    }
    if (!best) {
      const which = count > 1 ? `Only ${i} of ${count} machines fit. ` : "";
      throw new AppError("NO_CAPACITY", `${which}No host can take this machine: ${reasons.join("; ")}.`);
    }
    const u = used.get(best.id) as HostUsage;
    u.vcpus += needs.vcpus;
    u.memoryMb += needs.memoryMb;
    u.diskGb += needs.diskGb;
    u.machines += 1;
    placed.push(best);
  }
  return placed;
}
