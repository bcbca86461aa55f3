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

export const healthRoutes = {
  get: defineRoute({
    method: "GET",
    path: "/api/health",
    summary: "Liveness and database reachability",
    tag: "System",
    access: "public",
    response: ZHealth,
  }),
};
