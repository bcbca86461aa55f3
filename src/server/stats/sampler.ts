// Host and machine stats (CPU, memory, disk) sampled through the providers every STATS_SECONDS, kept in memory
// (the last HISTORY samples each) for the sparklines on the hosts and machine pages and for /metrics.
// Sampling runs only while someone reads: a machine is sampled while its stats were asked for within WATCH_MS,
// the hosts while a page or latestHostStats() asked within WATCH_MS. The timer stops when nobody reads, so an
// idle portal runs no `docker stats` or `virsh domstats`. The buffers are this process's own (each instance
// samples what is read from it).
import { env } from "@/env";
import { db } from "@/server/db/client";
import { hostTarget } from "@/server/hosts/target";
import { logger } from "@/server/log";
import { providerFor } from "@/server/providers";
import { mapLimit } from "@/server/providers/exec";
import { type HostStats, type MachineStats, names } from "@/server/providers/types";

export const HISTORY = 60;
const WATCH_MS = 2 * 60_000;

export type MachineSample = {
  at: string;
  /** Of the machine's vCPUs (100 = all of them busy); null on the first reading. */
  cpuPercent: number | null;
  memoryBytes: number | null;
  memoryLimitBytes: number | null;
  diskBytes: number | null;
  ioBytesPerSecond: number | null;
};

export type HostSample = {
  at: string;
  /** Of all the host's CPUs; null on the first reading or where the host cannot tell. */
  cpuPercent: number | null;
  cpus: number | null;
  memoryUsedBytes: number | null;
  memoryTotalBytes: number | null;
  diskFreeBytes: number | null;
  diskTotalBytes: number | null;
};

type Series<R, S> = { last: { at: number; reading: R } | null; samples: S[]; watchedAt: number };
type State = {
  timer?: NodeJS.Timeout;
  busy: boolean;
  machines: Map<string, Series<MachineStats, MachineSample>>;
  hosts: Map<string, Series<HostStats, HostSample> & { name: string }>;
  hostsWatchedAt: number;
};

const g = globalThis as unknown as { __labStats?: State };
const state = (): State => {
  g.__labStats ??= { busy: false, machines: new Map(), hosts: new Map(), hostsWatchedAt: 0 };
  return g.__labStats;
};

export const statsPeriodSeconds = () => env().STATS_SECONDS;

/** Percent of `cpus` CPUs busy between two cumulative CPU-second readings. */
export function cpuPercent(before: number | null, after: number | null, seconds: number, cpus: number | null) {
  if (before === null || after === null || !cpus || seconds <= 0 || after < before) return null;
  return Math.min(100, Math.round(((after - before) / seconds / cpus) * 1000) / 10);
}

function push<S>(samples: S[], sample: S) {
  samples.push(sample);
  if (samples.length > HISTORY) samples.splice(0, samples.length - HISTORY);
}

async function sampleMachine(id: string): Promise<void> {
  const series = state().machines.get(id);
  if (!series) return;
  const m = await db().machine.findUnique({ where: { id }, select: { state: true, vcpus: true, host: true } });
  if (!m?.host || m.state !== "RUNNING") {
    series.last = null; // the next run starts a new rate
    return;
  }
  const reading = await providerFor(hostTarget(m.host)).stats(names.domain(id));
  const at = Date.now();
  const prev = series.last;
  const seconds = prev ? (at - prev.at) / 1000 : 0;
  const io = reading.ioBytes ?? null;
  const prevIo = prev?.reading.ioBytes ?? null;
  push(series.samples, {
    at: new Date(at).toISOString(),
    cpuPercent: cpuPercent(prev?.reading.cpuSeconds ?? null, reading.cpuSeconds, seconds, m.vcpus),
    memoryBytes: reading.memoryBytes,
    memoryLimitBytes: reading.memoryLimitBytes,
    diskBytes: reading.diskBytes ?? null,
    ioBytesPerSecond:
      io === null || prevIo === null || seconds <= 0 || io < prevIo ? null : Math.round((io - prevIo) / seconds),
  });
  series.last = { at, reading };
}

async function sampleHosts(): Promise<void> {
  const s = state();
  const hosts = await db().host.findMany({ where: { status: { not: "OFFLINE" } } });
  const known = new Set(hosts.map((h) => h.id));
  for (const id of s.hosts.keys()) if (!known.has(id)) s.hosts.delete(id);
  await mapLimit(hosts, 4, async (h) => {
    const reading = await providerFor(hostTarget(h))
      .hostStats()
      .catch(() => null);
    let series = s.hosts.get(h.id);
    if (!series) {
      series = { name: h.name, last: null, samples: [], watchedAt: 0 };
      s.hosts.set(h.id, series);
    }
    series.name = h.name;
    if (!reading) {
      series.last = null;
      return;
    }
    const at = Date.now();
    const prev = series.last;
    push(series.samples, {
      at: new Date(at).toISOString(),
      cpuPercent: cpuPercent(
        prev?.reading.cpuSeconds ?? null,
        reading.cpuSeconds,
        prev ? (at - prev.at) / 1000 : 0,
        reading.cpus,
      ),
      cpus: reading.cpus,
      memoryUsedBytes: reading.memoryUsedBytes,
      memoryTotalBytes: reading.memoryTotalBytes,
      diskFreeBytes: reading.diskFreeBytes,
      diskTotalBytes: reading.diskTotalBytes,
    });
    series.last = { at, reading };
  });
}

async function tick(): Promise<void> {
  const s = state();
  if (s.busy) return;
  const now = Date.now();
  const watched = [...s.machines].filter(([, m]) => now - m.watchedAt < WATCH_MS).map(([id]) => id);
  for (const [id, m] of s.machines) if (now - m.watchedAt >= WATCH_MS) s.machines.delete(id);
  const hostsWatched = now - s.hostsWatchedAt < WATCH_MS;
  if (!watched.length && !hostsWatched) {
    clearInterval(s.timer);
    s.timer = undefined;
    return;
  }
  s.busy = true;
  try {
    await Promise.all([
      hostsWatched ? sampleHosts() : undefined,
      mapLimit(watched, 4, (id) => sampleMachine(id).catch(() => undefined)),
    ]);
  } finally {
    s.busy = false;
  }
}

function ensureTimer(): void {
  const s = state();
  if (s.timer) return;
  s.timer = setInterval(
    () => void tick().catch((error) => logger().warn({ err: error }, "[stats] a sampling pass failed")),
    statsPeriodSeconds() * 1000,
  );
  s.timer.unref();
}

/** A machine's samples; asking starts (or keeps) its sampling, and the first ask samples at once. */
export async function machineSamples(id: string): Promise<MachineSample[]> {
  const s = state();
  let series = s.machines.get(id);
  if (!series) {
    series = { last: null, samples: [], watchedAt: Date.now() };
    s.machines.set(id, series);
    await sampleMachine(id).catch(() => undefined);
  }
  series.watchedAt = Date.now();
  ensureTimer();
  return [...series.samples];
}

/** A host's samples; asking keeps every host sampled for a while, and the first ask samples at once. */
export async function hostSamples(id: string): Promise<HostSample[]> {
  const s = state();
  const first = Date.now() - s.hostsWatchedAt >= WATCH_MS;
  s.hostsWatchedAt = Date.now();
  ensureTimer();
  if (first || !s.hosts.has(id)) await sampleHosts().catch(() => undefined);
  return [...(s.hosts.get(id)?.samples ?? [])];
}

/** The newest sample of every host (for /metrics); reading keeps the hosts sampled. */
export function latestHostStats(): { hostId: string; hostName: string; sample: HostSample }[] {
  const s = state();
  s.hostsWatchedAt = Date.now();
  ensureTimer();
  return [...s.hosts].flatMap(([hostId, h]) => {
    const sample = h.samples.at(-1);
    return sample ? [{ hostId, hostName: h.name, sample }] : [];
  });
}
