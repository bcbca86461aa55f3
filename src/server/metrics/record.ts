// One-line recorders for the places where things happen (withAuth, jobs, machine actions, probes, quotas,
// consoles, the meter). Durations are measured from a performance.now() taken at the start.
import type { OpenSession } from "@/server/console/sessions";
import { metrics } from "./registry";
import { countConsoleBytes } from "./scrape";

const since = (startedMs: number) => (performance.now() - startedMs) / 1000;

/** An API request, by its route contract's path (never the raw URL: bounded label values). */
export function observeRequest(spec: { method: string; path: string }, status: number, startedMs: number): void {
  const labels = { route: spec.path, method: spec.method, status: String(status) };
  metrics().httpRequests.inc(labels);
  metrics().httpDuration.observe(labels, since(startedMs));
}

export function observeConsoleOpen(kind: string, result: "ok" | "failed", startedMs: number): void {
  metrics().consoleOpenDuration.observe({ kind, result }, since(startedMs));
}

/** A console that closes: the bytes it bridged since the last scrape. */
export function countClosedConsole(session: OpenSession): void {
  const m = metrics();
  countConsoleBytes(m.consoleBytes, m.consoleBytesCounted, session, true);
}

export function observeJob(kind: string, state: string, startedMs: number): void {
  metrics().jobs.inc({ kind, state });
  metrics().jobDuration.observe({ kind, state }, since(startedMs));
}

export function observeMachineAction(action: string, kind: string, result: "ok" | "failed", startedMs: number): void {
  metrics().machineActionDuration.observe({ action, kind: kind.toLowerCase(), result }, since(startedMs));
}

export function countHostProbe(host: string, status: string): void {
  metrics().hostProbes.inc({ host, result: status.toLowerCase() });
}

export function countQuotaRefusal(reason: string): void {
  metrics().quotaRefusals.inc({ reason });
}

export function countMeterRun(result: "ok" | "error"): void {
  metrics().meterRuns.inc({ result });
  if (result === "ok") metrics().meterLastRun.set(Date.now() / 1000);
}

export function observeDbQuery(operation: string, startedMs: number): void {
  metrics().dbQueryDuration.observe({ operation }, since(startedMs));
}
