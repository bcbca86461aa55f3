// The one Prometheus registry, kept on globalThis like the database client: server.ts (which serves /metrics)
// and Next's module graph (route handlers, where withAuth counts requests) may each load this file, and both
// must count into the same objects. Default process metrics and every name carry the prefix labportal_.
import { collectDefaultMetrics, Registry } from "prom-client";
import { defineMetrics, type PortalMetrics } from "./definitions";

export const METRICS_PREFIX = "labportal_";

type State = { registry: Registry; metrics: PortalMetrics };
const globalForMetrics = globalThis as unknown as { __labMetrics?: State };

function state(): State {
  if (!globalForMetrics.__labMetrics) {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry, prefix: METRICS_PREFIX });
    // gauges named *_total fail `promtool check metrics`; the same counts stay in the per-type gauges
    // (nodejs_active_handles{type}, nodejs_active_requests{type}, nodejs_active_resources{type})
    for (const total of ["active_handles_total", "active_requests_total", "active_resources_total"])
      registry.removeSingleMetric(`${METRICS_PREFIX}nodejs_${total}`);
    globalForMetrics.__labMetrics = { registry, metrics: defineMetrics(registry, METRICS_PREFIX) };
  }
  return globalForMetrics.__labMetrics;
}

export function metricsRegistry(): Registry {
  return state().registry;
}

/** The portal's own metrics (counters, gauges, histograms) to record into. */
export function metrics(): PortalMetrics {
  return state().metrics;
}
