// What a scrape reads when Prometheus asks (the gauges' collect functions): consoles and their bytes from this
// instance's registry, machines and free capacity per host from the database (two queries, shared by both
// gauges of one scrape), and the VPN's connected clients from OpenVPN's management interface when it is on.
import type { Counter, Gauge } from "prom-client";
import { type OpenSession, openSessions } from "@/server/console/sessions";
import { db } from "@/server/db/client";
import { managementCommand, parseStatus } from "@/server/vpn/management";
import { paths } from "@/server/vpn/server-files";
import { getVpnSettings } from "@/server/vpn/settings";

export type ConsoleBytesCounted = WeakMap<OpenSession, { in: number; out: number }>;

export function collectConsolesOpen(gauge: Gauge<"kind">): void {
  gauge.reset();
  for (const s of openSessions()) gauge.inc({ kind: s.kind });
}

/** Adds what a console bridged since the counter last saw it; `closing` forgets the console afterwards. */
export function countConsoleBytes(
  counter: Counter<"direction">,
  counted: ConsoleBytesCounted,
  session: OpenSession,
  closing = false,
): void {
  const before = counted.get(session) ?? { in: 0, out: 0 };
  const now = { in: session.stats.bytesIn, out: session.stats.bytesOut };
  if (now.in > before.in) counter.inc({ direction: "to_machine" }, now.in - before.in);
  if (now.out > before.out) counter.inc({ direction: "to_browser" }, now.out - before.out);
  if (closing) counted.delete(session);
  else counted.set(session, { in: Math.max(now.in, before.in), out: Math.max(now.out, before.out) });
}

export function collectConsoleBytes(counter: Counter<"direction">, counted: ConsoleBytesCounted): void {
  // both directions appear from the first scrape on, so rate() has a start
  counter.inc({ direction: "to_machine" }, 0);
  counter.inc({ direction: "to_browser" }, 0);
  for (const s of openSessions()) countConsoleBytes(counter, counted, s);
}

type HostRow = { name: string; vcpus: number; memoryMb: number; diskGb: number; maxMachines: number };
type Snapshot = {
  hosts: Map<string, HostRow>;
  groups: { hostId: string | null; state: string; count: number; vcpus: number; memoryMb: number; diskGb: number }[];
};
let snapshot: { at: number; data: Promise<Snapshot> } | null = null;

/** One read of hosts and machines per scrape (both gauges of a scrape ask within the same second). */
function hostSnapshot(): Promise<Snapshot> {
  if (snapshot && Date.now() - snapshot.at < 1000) return snapshot.data;
  const data = (async () => {
    const [hosts, rows] = await Promise.all([
      db().host.findMany({
        select: { id: true, name: true, vcpus: true, memoryMb: true, diskGb: true, maxMachines: true },
      }),
      db().machine.groupBy({
        by: ["hostId", "state"],
        _count: { _all: true },
        _sum: { vcpus: true, memoryMb: true, diskGb: true },
      }),
    ]);
    return {
      hosts: new Map(hosts.map((h) => [h.id, h])),
      groups: rows.map((r) => ({
        hostId: r.hostId,
        state: r.state,
        count: r._count._all,
        vcpus: r._sum.vcpus ?? 0,
        memoryMb: r._sum.memoryMb ?? 0,
        diskGb: r._sum.diskGb ?? 0,
      })),
    };
  })();
  snapshot = { at: Date.now(), data };
  data.catch(() => {
    snapshot = null;
  });
  return data;
}

export async function collectMachineStates(gauge: Gauge<"host" | "state">): Promise<void> {
  const { hosts, groups } = await hostSnapshot();
  gauge.reset();
  for (const g of groups) {
    const host = g.hostId ? (hosts.get(g.hostId)?.name ?? g.hostId) : "none";
    gauge.inc({ host, state: g.state }, g.count);
  }
}

const MB = 1024 * 1024;
const GB = 1024 * MB;

export async function collectHostFree(gauge: Gauge<"host" | "resource">): Promise<void> {
  const { hosts, groups } = await hostSnapshot();
  gauge.reset();
  for (const [id, h] of hosts) {
    // what placement counts as used: every machine on the host, running or not (hosts.usageByHost)
    const used = groups.filter((g) => g.hostId === id);
    const sum = (k: "count" | "vcpus" | "memoryMb" | "diskGb") => used.reduce((n, g) => n + g[k], 0);
    gauge.set({ host: h.name, resource: "vcpus" }, h.vcpus - sum("vcpus"));
    gauge.set({ host: h.name, resource: "memory_bytes" }, (h.memoryMb - sum("memoryMb")) * MB);
    gauge.set({ host: h.name, resource: "disk_bytes" }, (h.diskGb - sum("diskGb")) * GB);
    gauge.set({ host: h.name, resource: "machines" }, h.maxMachines - sum("count"));
  }
}

export async function collectVpnClients(gauge: Gauge): Promise<void> {
  let clients = 0;
  try {
    if ((await getVpnSettings()).enabled)
      clients = parseStatus(await managementCommand(paths.management(), "status 3", 1500)).length;
  } catch {
    // OpenVPN not answering: no clients can be connected through it
  }
  gauge.set(clients);
}
