// Route contracts of host and machine stats (the sparklines): the samples kept in memory by sampler.ts.
import { z } from "zod";
import { defineRoute } from "@/server/http/route-spec";
import { ZId } from "@/server/http/zod-fragments";

const n = z.number().nullable();

export const ZMachineStats = z.object({
  /** Seconds between samples (STATS_SECONDS): how often a page should ask again. */
  periodSeconds: z.number(),
  samples: z.array(
    z.object({
      at: z.string(),
      cpuPercent: n,
      memoryBytes: n,
      memoryLimitBytes: n,
      diskBytes: n,
      ioBytesPerSecond: n,
    }),
  ),
});
export type TMachineStats = z.infer<typeof ZMachineStats>;

export const ZHostStats = z.object({
  periodSeconds: z.number(),
  samples: z.array(
    z.object({
      at: z.string(),
      cpuPercent: n,
      cpus: n,
      memoryUsedBytes: n,
      memoryTotalBytes: n,
      diskFreeBytes: n,
      diskTotalBytes: n,
    }),
  ),
});
export type THostStats = z.infer<typeof ZHostStats>;

export const statsRoutes = {
  machine: defineRoute({
    method: "GET",
    path: "/api/machines/{id}/stats",
    summary: "A machine's recent CPU, memory and disk samples (sampled while someone asks)",
    tag: "Machines",
    access: "any",
    params: ZId,
    response: ZMachineStats,
  }),
  host: defineRoute({
    method: "GET",
    path: "/api/admin/hosts/{id}/stats",
    summary: "A host's recent CPU, memory and free disk samples",
    tag: "Hosts",
    access: ["ADMIN"],
    params: ZId,
    response: ZHostStats,
  }),
};
