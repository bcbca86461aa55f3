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
  const registers = [registry];
  const name = (n: string) => `${prefix}${n}`;
  const counted: ConsoleBytesCounted = new WeakMap();
  return {
    httpRequests: new Counter({
      name: name("http_requests_total"),
      help: "API requests by route (the route contract's path), method and status",
      labelNames: ["route", "method", "status"] as const,
      registers,
    }),
    httpDuration: new Histogram({
      name: name("http_request_duration_seconds"),
      help: "API request latency by route, method and status",
      labelNames: ["route", "method", "status"] as const,
      buckets: FAST,
      registers,
    }),
    consolesOpen: new Gauge({
      name: name("consoles_open"),
      help: "WebSocket consoles open on this instance, by kind",
      labelNames: ["kind"] as const,
      registers,
      collect() {
        collectConsolesOpen(this);
      },
    }),
    consoleBytes: new Counter({
      name: name("console_bytes_total"),
      help: "Bytes bridged by consoles on this instance: to_machine (from the browser) and to_browser",
      labelNames: ["direction"] as const,
      registers,
      collect() {
        collectConsoleBytes(this, counted);
      },
    }),
    /** which part of each open console's bytes the counter already holds (scrape.ts, countClosedConsole) */
    consoleBytesCounted: counted,
    consoleOpenDuration: new Histogram({
      name: name("console_open_seconds"),
      help: "Time from a console's WebSocket upgrade until its backend is bridged (or it failed), by kind",
      labelNames: ["kind", "result"] as const,
      buckets: FAST,
      registers,
    }),
    jobs: new Counter({
      name: name("jobs_total"),
      help: "Jobs finished on this instance, by kind and final state",
      labelNames: ["kind", "state"] as const,
      registers,
    }),
    jobDuration: new Histogram({
      name: name("job_duration_seconds"),
      help: "Duration of jobs run on this instance, by kind and final state",
      labelNames: ["kind", "state"] as const,
      buckets: SLOW,
      registers,
    }),
    machines: new Gauge({
      name: name("machines"),
      help: "Machines by host and state (all instances: read from the database at scrape)",
      labelNames: ["host", "state"] as const,
      registers,
      async collect() {
        await collectMachineStates(this);
      },
    }),
    machineActionDuration: new Histogram({
      name: name("machine_action_duration_seconds"),
      help: "Duration of machine actions on the host (start, stop, reboot, revert, delete), by host kind and result",
      labelNames: ["action", "kind", "result"] as const,
      buckets: SLOW,
      registers,
    }),
    hostProbes: new Counter({
      name: name("host_probes_total"),
      help: "Host probes by host and result (online, degraded, offline)",
      labelNames: ["host", "result"] as const,
      registers,
    }),
    hostFree: new Gauge({
      name: name("host_free"),
      help: "Free capacity per host (its registered capacity less what its machines are given): vcpus, memory_bytes, disk_bytes, machines",
      labelNames: ["host", "resource"] as const,
      registers,
      async collect() {
        await collectHostFree(this);
      },
    }),
    quotaRefusals: new Counter({
      name: name("quota_refusals_total"),
      help: "Actions refused by a quota, by the limit that refused (machines, running, vcpus, memoryMb, diskGb, hours)",
      labelNames: ["reason"] as const,
      registers,
    }),
    vpnClients: new Gauge({
      name: name("vpn_clients_connected"),
      help: "Lab VPN clients connected (OpenVPN management interface; 0 when the VPN is off)",
      registers,
      async collect() {
        await collectVpnClients(this);
      },
    }),
    meterRuns: new Counter({
      name: name("meter_runs_total"),
      help: "Hours-meter passes on this instance, by result (ok, error)",
      labelNames: ["result"] as const,
      registers,
    }),
    meterLastRun: new Gauge({
      name: name("meter_last_run_timestamp_seconds"),
      help: "When this instance's hours meter last finished a pass (Unix time)",
      registers,
    }),
    dbQueryDuration: new Histogram({
      name: name("db_query_duration_seconds"),
      help: "Database query latency by Prisma operation",
      labelNames: ["operation"] as const,
      buckets: DB,
      registers,
    }),
  };
}

export type PortalMetrics = ReturnType<typeof defineMetrics>;
