// Every metric the portal exports, defined once (registry.ts keeps the one set on globalThis). Counters and
// histograms are recorded where things happen; gauges of state (machines per host and state, free capacity,
// consoles open, VPN clients) are read at scrape time by scrape.ts with a few cheap queries.
import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import {
  type ConsoleBytesCounted,
  collectConsoleBytes,
  collectConsolesOpen,
  collectHostFree,
  collectMachineStates,
  collectVpnClients,
} from "./scrape";

const FAST = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const SLOW = [0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1800];
const DB = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5];

export function defineMetrics(registry: Registry, prefix: string) {
  const base = <L extends string>(name: string, help: string, labelNames: readonly L[]) => ({
    name: `${prefix}${name}`,
    help,
    labelNames,
    registers: [registry],
  });
  const counter = <L extends string>(name: string, help: string, labels: readonly L[] = []) =>
    new Counter(base(name, help, labels));
  const histogram = <L extends string>(name: string, help: string, labels: readonly L[], buckets: number[]) =>
    new Histogram({ ...base(name, help, labels), buckets });
  const counted: ConsoleBytesCounted = new WeakMap();
  const labels = { http: ["route", "method", "status"] as const, job: ["kind", "state"] as const };

  return {
    httpRequests: counter(
      "http_requests_total",
      "API requests by route (the route contract's path), method and status",
      labels.http,
    ),
    httpDuration: histogram(
      "http_request_duration_seconds",
      "API request latency by route, method and status",
      labels.http,
      FAST,
    ),
    consolesOpen: new Gauge({
      ...base("consoles_open", "WebSocket consoles open on this instance, by kind", ["kind"] as const),
      collect() {
        collectConsolesOpen(this);
      },
    }),
    consoleBytes: new Counter({
      ...base(
        "console_bytes_total",
        "Bytes bridged by consoles on this instance: to_machine (from the browser) and to_browser",
        ["direction"] as const,
      ),
      collect() {
        collectConsoleBytes(this, counted);
      },
    }),
    /** which part of each open console's bytes the counter already holds (scrape.ts, record.countClosedConsole) */
    consoleBytesCounted: counted,
    consoleOpenDuration: histogram(
      "console_open_seconds",
      "Time from a console's WebSocket upgrade until its backend is bridged (or it failed), by kind",
      ["kind", "result"] as const,
      FAST,
    ),
    jobs: counter("jobs_total", "Jobs finished on this instance, by kind and final state", labels.job),
    jobDuration: histogram(
      "job_duration_seconds",
      "Duration of jobs run on this instance, by kind and final state",
      labels.job,
      SLOW,
    ),
    machines: new Gauge({
      ...base("machines", "Machines by host and state (all instances: read from the database at scrape)", [
        "host",
        "state",
      ] as const),
      async collect() {
        await collectMachineStates(this);
      },
    }),
    machineActionDuration: histogram(
      "machine_action_duration_seconds",
      "Duration of machine actions on the host (start, stop, reboot, revert, delete), by host kind and result",
      ["action", "kind", "result"] as const,
      SLOW,
    ),
    hostProbes: counter("host_probes_total", "Host probes by host and result (online, degraded, offline)", [
      "host",
      "result",
    ] as const),
    hostFree: new Gauge({
      ...base(
        "host_free",
        "Free capacity per host (its registered capacity less what its machines are given): vcpus, memory_bytes, disk_bytes, machines",
        ["host", "resource"] as const,
      ),
      async collect() {
        await collectHostFree(this);
      },
    }),
    quotaRefusals: counter(
      "quota_refusals_total",
      "Actions refused by a quota, by the limit that refused (machines, running, vcpus, memoryMb, diskGb, hours)",
      ["reason"] as const,
    ),
    vpnClients: new Gauge({
      ...base("vpn_clients_connected", "Lab VPN clients connected (OpenVPN management interface; 0 when off)", []),
      async collect() {
        await collectVpnClients(this);
      },
    }),
    meterRuns: counter("meter_runs_total", "Hours-meter passes on this instance, by result (ok, error)", [
      "result",
    ] as const),
    meterLastRun: new Gauge(
      base("meter_last_run_timestamp_seconds", "When this instance's hours meter last finished a pass (Unix time)", []),
    ),
    dbQueryDuration: histogram(
      "db_query_duration_seconds",
      "Database query latency by Prisma operation",
      ["operation"] as const,
      DB,
    ),
  };
}

export type PortalMetrics = ReturnType<typeof defineMetrics>;
