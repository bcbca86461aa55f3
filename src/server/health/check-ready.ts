// Readiness for load balancers and operators (/api/health/ready): the database answers, every host in service
// (not cordoned) was probed recently and is not OFFLINE (DEGRADED is ready with a warning), and this process's
// background loops (health/loops.ts: meter, reconciler sweep, host probes, pool retries) finished a pass within
// a few of their periods. Anonymous callers learn ready or not and the names of the failing checks; admins also
// get each check's detail (host names, last runs).
import { env } from "@/env";
import type { Actor } from "@/server/auth/actor";
import { isAdmin } from "@/server/auth/permissions";
import { db } from "@/server/db/client";
import { json } from "@/server/http/responses";
import { loopStates, STALE_PERIODS } from "./loops";
import type { TReady } from "./routes";

const DB_TIMEOUT_MS = 3000;
const MARGIN_MS = 10_000;

type Check = { name: string; ok: boolean; warning: boolean; detail: string };

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function databaseCheck(): Promise<Check> {
  const started = performance.now();
  try {
    await withTimeout(db().$queryRawUnsafe("SELECT 1"), DB_TIMEOUT_MS, "The database");
    return { name: "database", ok: true, warning: false, detail: `${Math.round(performance.now() - started)} ms` };
  } catch (error) {
    return { name: "database", ok: false, warning: false, detail: (error as Error).message.split("\n")[0] ?? "" };
  }
}

async function hostsCheck(now: number): Promise<Check> {
  const hosts = await withTimeout(
    db().host.findMany({
      where: { cordoned: false },
      select: { name: true, status: true, lastSeenAt: true, lastErrorAt: true, lastError: true, createdAt: true },
    }),
    DB_TIMEOUT_MS,
    "The database",
  );
  const staleMs = STALE_PERIODS * env().HOST_PROBE_SECONDS * 1000 + MARGIN_MS;
  const problems: string[] = [];
  const warnings: string[] = [];
  for (const h of hosts) {
    const probedAt = Math.max(h.lastSeenAt?.getTime() ?? 0, h.lastErrorAt?.getTime() ?? 0, h.createdAt.getTime());
    if (h.status === "OFFLINE") problems.push(`${h.name} is offline${h.lastError ? `: ${h.lastError}` : ""}`);
    else if (now - probedAt > staleMs)
      problems.push(`${h.name} was last probed ${Math.round((now - probedAt) / 1000)} s ago`);
    else if (h.status === "DEGRADED") warnings.push(`${h.name} is degraded`);
  }
  return {
    name: "hosts",
    ok: problems.length === 0,
    warning: problems.length === 0 && warnings.length > 0,
    detail: [...problems, ...warnings].join("; ") || `${hosts.length} host(s) online`,
  };
}

function loopChecks(now: number): Check[] {
  return loopStates(now).map((l) => ({
    name: l.name,
    ok: !l.stale,
    warning: false,
    detail: `every ${l.periodSeconds} s; last pass ${l.lastRunAt ?? "none yet"}`,
  }));
}

export async function checkReady(actor: Pick<Actor, "role"> | null): Promise<{ ready: boolean; body: TReady }> {
  const now = Date.now();
  const database = await databaseCheck();
  const hosts = database.ok
    ? await hostsCheck(now).catch(
        (error): Check => ({ name: "hosts", ok: false, warning: false, detail: (error as Error).message }),
      )
    : null;
  const checks = [database, ...(hosts ? [hosts] : []), ...loopChecks(now)];
  const failed = checks.filter((c) => !c.ok).map((c) => c.name);
  const ready = failed.length === 0;
  const body: TReady = {
    status: ready ? "ready" : "not-ready",
    failed,
    warnings: checks.filter((c) => c.warning).map((c) => c.name),
    ...(isAdmin(actor) ? { checks } : {}),
    ...(ready ? {} : { error: { code: "UNAVAILABLE", message: `Not ready: ${failed.join(", ")}.` } }),
  };
  return { ready, body };
}

/** 200 when ready, 503 with the failing checks' names otherwise. */
export async function readyResponse(actor: Pick<Actor, "role"> | null): Promise<Response> {
  const { ready, body } = await checkReady(actor);
  return json(body, ready ? 200 : 503);
}
