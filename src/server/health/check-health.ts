import type { z } from "zod";
import { isPostgres } from "@/env";
import { db } from "@/server/db/client";
import packageJson from "../../../package.json" with { type: "json" };
import type { ZHealth } from "./routes";

export async function checkHealth(): Promise<z.infer<typeof ZHealth>> {
  const provider = isPostgres() ? "postgresql" : "sqlite";
  const started = performance.now();
  let database: z.infer<typeof ZHealth>["database"];
  try {
    await db().$queryRawUnsafe("SELECT 1");
    database = { provider, ok: true, latencyMs: Math.round((performance.now() - started) * 100) / 100 };
  } catch (error) {
    database = { provider, ok: false, error: (error as Error).message.split("\n")[0] };
  }
  return {
    status: database.ok ? "ok" : "degraded",
    version: packageJson.version,
    uptimeSeconds: Math.round(process.uptime()),
    database,
  };
}
