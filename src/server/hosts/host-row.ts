// A host as the admin's hosts page shows it: its settings, status and the capacity its machines take.
import type { Host } from "@/generated/sqlite/client";
import { db } from "@/server/db/client";
import { publish } from "@/server/events/bus";
import { notFound } from "@/server/http/app-error";
import { orphansOf } from "./orphans";
import type { THostRow } from "./routes";
import { hostTarget } from "./target";

export type HostUsage = { vcpus: number; memoryMb: number; diskGb: number; machines: number };

/** Allocated resources per host (every machine that exists or is being made, running or not). */
export async function usageByHost(): Promise<Map<string, HostUsage>> {
  const rows = await db().machine.groupBy({
    by: ["hostId"],
    where: { hostId: { not: null } },
    _sum: { vcpus: true, memoryMb: true, diskGb: true },
    _count: { _all: true },
  });
  return new Map(
    rows.map((r) => [
      r.hostId as string,
      { vcpus: r._sum.vcpus ?? 0, memoryMb: r._sum.memoryMb ?? 0, diskGb: r._sum.diskGb ?? 0, machines: r._count._all },
    ]),
  );
}

export function hostRow(h: Host, used: HostUsage | undefined): THostRow {
  return {
    ...hostTarget(h),
    publicConsoleAddress: h.publicConsoleAddress,
    vcpus: h.vcpus,
    memoryMb: h.memoryMb,
    diskGb: h.diskGb,
    maxMachines: h.maxMachines,
    status: h.status,
    statusDetail: h.statusDetail,
    lastSeenAt: h.lastSeenAt?.toISOString() ?? null,
    lastError: h.lastError,
    lastErrorAt: h.lastErrorAt?.toISOString() ?? null,
    cordoned: h.cordoned,
    draining: h.draining,
    used: used ?? { vcpus: 0, memoryMb: 0, diskGb: 0, machines: 0 },
    orphans: orphansOf(h.id),
    createdAt: h.createdAt.toISOString(),
  };
}

export async function listHosts(): Promise<{ items: THostRow[] }> {
  const [hosts, usage] = await Promise.all([db().host.findMany({ orderBy: { name: "asc" } }), usageByHost()]);
  return { items: hosts.map((h) => hostRow(h, usage.get(h.id))) };
}

export async function getHost(id: string): Promise<THostRow> {
  const host = await db().host.findUnique({ where: { id } });
  if (!host) throw notFound("This host");
  return hostRow(host, (await usageByHost()).get(id));
}

export function publishHost(id: string) {
  publish({ type: "host.updated", audience: { roles: ["ADMIN"] }, data: { id } });
}
