// When each background loop of this process last finished a pass, for the readiness check (/api/health/ready).
// A loop registers when it starts (with its period) and reports every pass that completed; a loop that stopped
// passing (stuck on a host, the database, or an exception every time) shows as stale after a few periods.
const g = globalThis as unknown as { __labLoops?: Map<string, LoopRecord> };

type LoopRecord = { periodMs: number; startedAt: number; lastRunAt: number | null };

/** A loop is late when its last pass (or its start) is older than this many periods plus a margin. */
export const STALE_PERIODS = 3;
const MARGIN_MS = 10_000;

const loops = () => {
  g.__labLoops ??= new Map();
  return g.__labLoops;
};

export function loopStarted(name: string, periodSeconds: number): void {
  loops().set(name, { periodMs: periodSeconds * 1000, startedAt: Date.now(), lastRunAt: null });
}

export function loopRan(name: string): void {
  const loop = loops().get(name);
  if (loop) loop.lastRunAt = Date.now();
}

export function loopStopped(name: string): void {
  loops().delete(name);
}

export type LoopState = { name: string; periodSeconds: number; lastRunAt: string | null; stale: boolean };

/** The loops this process runs, each with whether it is late. */
export function loopStates(now = Date.now()): LoopState[] {
  return [...loops()].map(([name, l]) => ({
    name,
    periodSeconds: l.periodMs / 1000,
    lastRunAt: l.lastRunAt === null ? null : new Date(l.lastRunAt).toISOString(),
    stale: now - (l.lastRunAt ?? l.startedAt) > STALE_PERIODS * l.periodMs + MARGIN_MS,
  }));
}
