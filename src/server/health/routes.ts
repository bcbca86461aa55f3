import { z } from "zod";
import { defineRoute } from "@/server/http/route-spec";

export const ZHealth = z.object({
  status: z.enum(["ok", "degraded"]),
  version: z.string(),
  uptimeSeconds: z.number(),
  database: z.object({
    provider: z.enum(["sqlite", "postgresql"]),
    ok: z.boolean(),
    latencyMs: z.number().optional(),
    error: z.string().optional(),
  }),
});

const ZCheckName = z.string();
export const ZReady = z.object({
  status: z.enum(["ready", "not-ready"]),
  /** Names of the checks that failed: database, hosts, or a background loop (meter, reconciler, …). */
  failed: z.array(ZCheckName),
  /** Names of the checks that pass with a warning (a DEGRADED host). */
  warnings: z.array(ZCheckName),
  /** Each check with its detail: admins only. */
  checks: z.array(z.object({ name: ZCheckName, ok: z.boolean(), warning: z.boolean(), detail: z.string() })).optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});
export type TReady = z.infer<typeof ZReady>;

export const healthRoutes = {
  get: defineRoute({
    method: "GET",
    path: "/api/health",
    summary: "Liveness and database reachability",
    tag: "System",
    access: "public",
    response: ZHealth,
  }),
  ready: defineRoute({
    method: "GET",
    path: "/api/health/ready",
    summary: "Readiness: database, hosts probed and not offline, background loops running (200 or 503)",
    tag: "System",
    access: "public",
    response: ZReady,
  }),
};
