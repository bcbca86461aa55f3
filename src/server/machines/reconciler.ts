// The inventory reconciler keeps the database (what pages read) in step with the hosts: provider events as
// they happen, a periodic full sweep, and host probes. It never silently rewrites what it did not expect:
// a machine removed or started behind the portal's back is flagged as drift; lp-* items on a host without a
// row are listed as orphans on the host. Machines the portal is working on (in flight) are left alone.

import { env } from "@/env";
import type { Host } from "@/generated/sqlite/client";
import { isBusy } from "@/lib/machine-states";
import { classTeacherIds } from "@/server/auth/permissions";
import { db } from "@/server/db/client";
import { loopRan, loopStarted, loopStopped } from "@/server/health/loops";
import { setOrphans } from "@/server/hosts/orphans";
import { probeHost } from "@/server/hosts/probe";
import { hostTarget } from "@/server/hosts/target";
import { logger } from "@/server/log";
import { providerFor } from "@/server/providers";
import { mapLimit } from "@/server/providers/exec";
import type { ProviderState, Watcher } from "@/server/providers/types";
import { inFlight, publishMachine } from "./machine-core";
import { stoppedFields } from "./run-state";

type Observation = { state: string; stateDetail?: string | null; drift?: string | null } | null;

/** What the database should say given what the host reports. Pure, for tests. */
export function reconcile(dbState: string, observed: ProviderState, hostName: string): Observation {
  if (dbState === "PROVISIONING" || dbState === "DELETING") return null;
  if (observed === "missing") {
    if (dbState === "FAILED") return null;
    return {
      state: "UNKNOWN",
      stateDetail: `Not found on ${hostName}.`,
      drift: `Removed on ${hostName} outside the portal. Revert re-creates it from the template; delete removes the record.`,
    };
  }
  if (observed === "running") {
    if (dbState === "RUNNING") return null;
    if (dbState === "STOPPED")
      return { state: "RUNNING", stateDetail: null, drift: `Started on ${hostName} outside the portal.` };
    return { state: "RUNNING", stateDetail: null };
  }
  // libvirt passes through "paused" while a domain starts or migrates: not a state of its own here
  if (observed === "paused") return null;
  // stopped: a guest that powered itself off is normal, not drift
  if (dbState === "STOPPED") return null;
  return { state: "STOPPED", stateDetail: dbState === "RUNNING" ? "Shut down from inside the machine." : null };
}

async function apply(
  machineId: string,
  observed: ProviderState,
  host: Pick<Host, "id" | "name">,
  observedAt: Date,
): Promise<boolean> {
  if (inFlight().has(machineId)) return false;
  const m = await db().machine.findUnique({
    where: { id: machineId },
    include: { class: { select: { ownerId: true, coOwners: { select: { userId: true } } } } },
  });
  if (!m || m.hostId !== host.id) return false;
  // the row changed after this observation was made (an action just finished): the observation is stale
  if (m.updatedAt.getTime() >= observedAt.getTime()) return false;
  // a transitional state claimed recently belongs to an action that may be running in another portal instance
  // (inFlight only knows this one); after the grace a stuck one (its instance died) is reconciled as usual
  if (isBusy(m.state) && Date.now() - m.updatedAt.getTime() < (env().MACHINE_STOP_TIMEOUT_SECONDS + 120) * 1000)
    return false;
  const next = reconcile(m.state, observed, host.name);
  if (!next) return false;
  if (inFlight().has(machineId)) return false;
  const stopped = next.state === "STOPPED";
  const updated = await db().machine.update({
    where: { id: machineId },
    data: {
      state: next.state,
      stateDetail: next.stateDetail ?? null,
      ...(next.drift ? { drift: next.drift, driftAt: new Date() } : {}),
      ...(stopped ? stoppedFields() : {}),
    },
  });
  publishMachine(updated, classTeacherIds(m.class));
  return true;
}

/** One full pass over one host. Returns how many machines changed. */
export async function sweepHost(hostId: string): Promise<number> {
  const host = await db().host.findUnique({ where: { id: hostId } });
  if (!host || host.status === "OFFLINE") return 0;
  const observedAt = new Date();
  const inventory = await providerFor(hostTarget(host)).inventory();
  const seen = new Map(inventory.filter((i) => i.machineId).map((i) => [i.machineId as string, i]));
  const machines = await db().machine.findMany({ where: { hostId }, select: { id: true, providerRef: true } });
  const known = new Set(machines.map((m) => m.id));
  let changed = 0;
  for (const m of machines) {
    if (!m.providerRef) continue;
    if (await apply(m.id, seen.get(m.id)?.state ?? "missing", host, observedAt)) changed++;
  }
  setOrphans(
    hostId,
    inventory.filter((i) => !i.machineId || !known.has(i.machineId)).map((i) => i.ref),
  );
  return changed;
}

export async function sweepAll(): Promise<number> {
  const hosts = await db().host.findMany({ select: { id: true } });
  const counts = await mapLimit(hosts, 4, (h) => sweepHost(h.id).catch(() => 0));
  return counts.reduce((a, b) => a + b, 0);
}

type Running = { timers: NodeJS.Timeout[]; watchers: Map<string, { key: string; watcher: Watcher }> };
const globalForReconciler = globalThis as unknown as { __labReconciler?: Running };

async function syncWatchers(r: Running) {
  const hosts = await db().host.findMany();
  const wanted = new Set<string>();
  for (const host of hosts) {
    if (host.status === "OFFLINE") continue;
    const key = `${host.uri}|${host.kind}`;
    wanted.add(host.id);
    const current = r.watchers.get(host.id);
    if (current?.key === key) continue;
    current?.watcher.close();
    const watcher = providerFor(hostTarget(host)).watch(
      (event) => {
        if (event.machineId)
          void apply(event.machineId, event.state, host, event.at ?? new Date()).catch(() => undefined);
      },
      () => undefined,
    );
    r.watchers.set(host.id, { key, watcher });
  }
  for (const [id, w] of r.watchers) {
    if (!wanted.has(id)) {
      w.watcher.close();
      r.watchers.delete(id);
    }
  }
}

/** Starts probes, event watchers and the sweep (once per process). */
export function startReconciler(log: (line: string) => void = () => {}): void {
  if (globalForReconciler.__labReconciler) return;
  const r: Running = { timers: [], watchers: new Map() };
  globalForReconciler.__labReconciler = r;
  const probeAll = async () => {
    const hosts = await db().host.findMany({ select: { id: true } });
    await mapLimit(hosts, 4, (h) => probeHost(h.id).catch(() => undefined));
    await syncWatchers(r);
  };
  const loop = (name: string, fn: () => Promise<unknown>, seconds: number) => {
    let busy = false;
    loopStarted(name, seconds);
    const t = setInterval(() => {
      if (busy) return;
      busy = true;
      void fn()
        .then(() => loopRan(name))
        .catch((error) => logger().error({ err: error, loop: name }, "[reconciler] pass failed"))
        .finally(() => {
          busy = false;
        });
    }, seconds * 1000);
    t.unref();
    r.timers.push(t);
  };
  void probeAll()
    .then(() => sweepAll())
    .then((n) => log(`✓ reconciler: hosts probed, first sweep changed ${n} machine(s)`))
    .catch((error) => logger().error({ err: error }, "[reconciler] first pass failed"));
  loop("host-probes", probeAll, env().HOST_PROBE_SECONDS);
  loop("reconciler", sweepAll, env().RECONCILE_SECONDS);
}

export function stopReconciler(): void {
  const r = globalForReconciler.__labReconciler;
  if (!r) return;
  for (const t of r.timers) clearInterval(t);
  for (const w of r.watchers.values()) w.watcher.close();
  loopStopped("host-probes");
  loopStopped("reconciler");
  globalForReconciler.__labReconciler = undefined;
}
