// Starts a real Lab Portal (server.ts) on a free loopback port with its own database: a fresh SQLite file, or a
// fresh PostgreSQL database when TEST_DATABASE=postgres. Used by vitest's global setup, Playwright and benchmarks.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { appendFileSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import pg from "pg";

export const ROOT = resolve(import.meta.dirname, "../..");
// One dev build folder for test runs (Next adds each folder it sees to tsconfig.json, so keep it fixed).
// several people can each run a dev portal in one checkout with their own folder (PORTAL_TEST_DEV_DIR)
const DEV_DIST_DIR = process.env.PORTAL_TEST_DEV_DIR ?? ".next-test-dev";
export const TEST_ADMIN = { email: "admin@test.local", password: "admin-password-123" };
/** The /metrics scrape token of test portals (tests/integration/metrics.test.ts). */
export const TEST_METRICS_TOKEN = "test-metrics-token-0123456789abcdef";
const PG_BASE = process.env.TEST_PG_URL ?? "postgresql://labportal:labportal@127.0.0.1:5432/labportal";

export type PortalProcess = {
  url: string;
  port: number;
  databaseUrl: string;
  dataDir: string;
  child: ChildProcess;
  output: () => string;
  /** The same output as it arrives, for test files (they run in other processes than the one that started the portal). */
  outputFile: string;
  stop: () => Promise<number | null>;
};

export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.on("error", fail);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => ok(port));
    });
  });
}

export async function createTestDatabase(
  kind = process.env.TEST_DATABASE ?? "sqlite",
  dir: string,
): Promise<{ url: string; drop: () => Promise<void> }> {
  if (kind === "sqlite") return { url: `file:${join(dir, "test.db")}`, drop: async () => {} };
  if (kind !== "postgres") throw new Error(`TEST_DATABASE must be sqlite or postgres, not ${kind}`);
  const name = `labportal_test_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: PG_BASE });
  await admin.connect().catch((error) => {
    throw new Error(
      `PostgreSQL is not reachable at ${PG_BASE} (${error.message}). Run scripts/setup-services.sh postgres.`,
    );
  });
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = PG_BASE.replace(/\/[^/]*$/, `/${name}`);
  return {
    url,
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_BASE });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export async function startPortal(
  options: {
    env?: Record<string, string>;
    mode?: "production" | "development";
    /** Start on an existing database and data folder (a restart); stop() then leaves both in place. */
    reuse?: { databaseUrl: string; dataDir: string; authSecret?: string };
  } = {},
): Promise<PortalProcess> {
  const port = await freePort();
  const dataDir = options.reuse?.dataDir ?? mkdtempSync(join(tmpdir(), "lab-portal-test-"));
  const database = options.reuse
    ? { url: options.reuse.databaseUrl, drop: async () => {} }
    : await createTestDatabase(undefined, dataDir);
  const mode = options.mode ?? (process.env.PORTAL_TEST_DEV ? "development" : "production");
  const url = `http://127.0.0.1:${port}`;
  let output = "";
  const child = spawn(process.execPath, ["--import", "tsx", "server.ts"], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: mode,
      NEXT_TELEMETRY_DISABLED: "1",
      HOST: "127.0.0.1",
      PORT: String(port),
      PUBLIC_URL: url,
      DATABASE_URL: database.url,
      DATA_DIR: dataDir,
      LOG_DIR: join(dataDir, "logs"),
      AUTH_SECRET: options.reuse?.authSecret ?? randomBytes(32).toString("hex"),
      // quick reconciler and short stop timeouts for tests
      HOST_PROBE_SECONDS: "5",
      RECONCILE_SECONDS: "2",
      METER_SECONDS: "2",
      STATS_SECONDS: "2",
      INSTANCE_HEARTBEAT_SECONDS: "1",
      MACHINE_STOP_TIMEOUT_SECONDS: "20",
      ADMIN_EMAIL: TEST_ADMIN.email,
      ADMIN_PASSWORD: TEST_ADMIN.password,
      TRUST_PROXY: "true",
      ...(mode === "development" ? { NEXT_DIST_DIR: DEV_DIST_DIR } : {}),
      METRICS_TOKEN: TEST_METRICS_TOKEN,
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const outputFile = join(dataDir, "portal-output.log");
  const collect = (d: Buffer) => {
    output += d;
    appendFileSync(outputFile, d);
  };
  child.stdout!.on("data", collect);
  child.stderr!.on("data", collect);
  const exited = new Promise<number | null>((ok) => child.on("exit", (code) => ok(code)));

  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Lab Portal exited (${child.exitCode}) before answering:\n${output}`);
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`Lab Portal did not answer within 120 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }

  return {
    url,
    port,
    databaseUrl: database.url,
    dataDir,
    child,
    output: () => output,
    outputFile,
    stop: async () => {
      if (child.exitCode === null) child.kill("SIGTERM");
      const code = await exited;
      if (!options.reuse) {
        await database.drop().catch(() => {});
        rmSync(dataDir, { recursive: true, force: true });
      }
      return code;
    },
  };
}
