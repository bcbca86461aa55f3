// The arithmetic of hours metering, pure so every edge can be tested without a database.
//
// Billed time is a run: from lastStartedAt (set when a start or reboot completes) to lastStoppedAt (set when a
// stop, a revert or a shutdown seen by the reconciler completes). Machine.meteredAt is the meter's cursor:
// "billed up to here". While the machine is up (RUNNING, REBOOTING, STOPPING — the guest still holds its CPU
// and memory) each pass bills cursor → now. A stop after the cursor means the run ended: the tail cursor →
// lastStoppedAt is billed and the cursor parks exactly on lastStoppedAt, which marks "this stop is billed".
// STARTING is not billed (lastStartedAt is only set once the start has completed). Time in UNKNOWN or FAILED
// is decided when the machine comes back: billed up to its stop, or as part of the run if it is running again.
// A machine deleted while running loses at most one meter interval.

export const METERED_STATES = ["RUNNING", "REBOOTING", "STOPPING"] as const;

/** A run that ended before the meter ever saw the machine (cursor still empty) is billed if it ended this recently. */
export const UNSEEN_RUN_WINDOW_MS = 10 * 60_000;

export type MeterRow = {
  state: string;
  meteredAt: Date | null;
  lastStartedAt: Date | null;
  lastStoppedAt: Date | null;
};
/** Seconds to add to the month `at` falls in. */
export type Bill = { at: Date; seconds: number };
export type MeterPlan = {
  bills: Bill[];
  /** the new cursor */
  meteredAt: Date;
  /** a run ended or a new one began since the last pass: the hours warnings start over */
  newRun: boolean;
};

export const isMetered = (state: string) => (METERED_STATES as readonly string[]).includes(state);

function nextMonthStart(ms: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}

/** [from, to) cut at UTC month boundaries. */
export function splitByMonth(fromMs: number, toMs: number): [number, number][] {
  const parts: [number, number][] = [];
  let a = fromMs;
  while (a < toMs) {
    const b = Math.min(toMs, nextMonthStart(a));
    parts.push([a, b]);
    a = b;
  }
  return parts;
}

/** `seconds` spent over [from, to), spread over the months the interval touches (whole seconds, summing exactly). */
export function billsFor(fromMs: number, toMs: number, seconds: number): Bill[] {
  if (seconds <= 0) return [];
  const parts = splitByMonth(fromMs, toMs);
  const total = toMs - fromMs;
  const bills: Bill[] = [];
  let given = 0;
  parts.forEach(([a, b], i) => {
    const s = i === parts.length - 1 ? seconds - given : Math.round(((b - a) / total) * seconds);
    given += s;
    if (s > 0) bills.push({ at: new Date(a), seconds: s });
  });
  return bills;
}

/** What one meter pass does for a machine at `now`, or null when there is nothing to write. */
export function planMetering(m: MeterRow, now: Date): MeterPlan | null {
  const M = m.meteredAt?.getTime() ?? null;
  const S = m.lastStartedAt?.getTime() ?? null;
  const P = m.lastStoppedAt?.getTime() ?? null;
  const N = now.getTime();
  const bills: Bill[] = [];
  let stopSeen = false;
  let cursor = M;

  if (P !== null && M !== null && P >= M) {
    // stopped since the last pass: the tail of that run, up to the stop (nothing when already parked on it)
    stopSeen = true;
    bills.push(...billsFor(M, P, Math.round((P - M) / 1000)));
    cursor = P;
  } else if (P !== null && M === null && S !== null && S < P && N - P <= UNSEEN_RUN_WINDOW_MS) {
    // a whole run between two passes, never seen running
    stopSeen = true;
    bills.push(...billsFor(S, P, Math.round((P - S) / 1000)));
    cursor = P;
  }

  if (isMetered(m.state)) {
    // the same run (a reboot included) goes on from the cursor; a new one from its start, or — started behind
    // the portal's back, with no start after the last stop — from now
    const from = M !== null && !stopSeen ? M : S !== null && (P === null || S > P) ? Math.min(S, N) : N;
    const seconds = Math.floor((N - from) / 1000);
    bills.push(...billsFor(from, from + seconds * 1000, seconds));
    const meteredAt = from + seconds * 1000;
    if (meteredAt === M && !stopSeen) return null;
    return { bills, meteredAt: new Date(meteredAt), newRun: stopSeen || M === null };
  }
  if (stopSeen && cursor !== null && cursor !== M) return { bills, meteredAt: new Date(cursor), newRun: true };
  return null;
}

/** Minutes-left thresholds that warn the owner, once each per run. */
export const WARN_MINUTES = [10, 2] as const;

/** Thresholds crossed and not yet warned about (hoursWarned is "10,2"-style). None when unlimited or already at zero. */
export function warningsDue(leftSeconds: number | null, hoursWarned: string | null): number[] {
  if (leftSeconds === null || leftSeconds <= 0) return [];
  const done = new Set((hoursWarned ?? "").split(",").filter(Boolean).map(Number));
  return WARN_MINUTES.filter((minutes) => leftSeconds <= minutes * 60 && !done.has(minutes));
}

export function markWarned(hoursWarned: string | null, minutes: number[]): string {
  const done = new Set((hoursWarned ?? "").split(",").filter(Boolean).map(Number));
  for (const m of minutes) done.add(m);
  return [...done].sort((a, b) => b - a).join(",");
}

export const HOURS_STOP_DETAIL = "Stopped: no lab hours left this month";
