// The process itself: a bad environment stops the start with a clear message; SIGTERM closes sockets, flushes the
// audit log and exits 0; migrations are applied at start and not again.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import WebSocket from "ws";
import { PortalClient } from "../support/client";
import { ROOT, startPortal, TEST_ADMIN } from "../support/portal-process";

describe("configuration", () => {
  it("refuses to start with a bad environment and names each bad variable", () => {
    const result = spawnSync(process.execPath, ["--import", "tsx", "server.ts"], {
      cwd: ROOT,
      env: {
        ...process.env,
        PORT: "not-a-port",
        DATABASE_URL: "mysql://nope",
        PUBLIC_URL: "labs",
        AUTH_SECRET: "short",
      },
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("Invalid environment configuration");
    expect(result.stderr).toMatch(/✗ PORT \(= "not-a-port"\)/);
    expect(result.stderr).toMatch(/✗ DATABASE_URL .*must be file:<path> \(SQLite\) or postgresql:/);
    expect(result.stderr).toMatch(/✗ PUBLIC_URL .*absolute URL/);
    expect(result.stderr).toMatch(/✗ AUTH_SECRET .*at least 32 characters/);
  });
});

describe("graceful shutdown", () => {
  it("on SIGTERM closes open WebSockets with 1001, writes pending audit lines and exits 0", async () => {
    const portal = await startPortal();
    try {
      const client = new PortalClient(portal.url);
      expect(await client.signIn(TEST_ADMIN.email, TEST_ADMIN.password)).toBeNull();
      const ws = new WebSocket(`${portal.url.replace("http", "ws")}/ws/events`, {
        headers: { origin: portal.url, cookie: client.cookieHeader() },
      });
      await new Promise<void>((ok, fail) => {
        ws.once("message", () => ok());
        ws.once("error", fail);
      });
      const closed = new Promise<number>((ok) => ws.once("close", (code) => ok(code)));
      const exited = new Promise<number | null>((ok) => portal.child.once("exit", (code) => ok(code)));
      portal.child.kill("SIGTERM");
      expect(await closed).toBe(1001);
      expect(await exited).toBe(0);
      // the sign-in above queued an audit line; SIGTERM must not lose it
      const auditFile = join(portal.dataDir, "logs/audit/audit.jsonl");
      const lines = existsSync(auditFile) ? readFileSync(auditFile, "utf8").trim().split("\n") : [];
      expect(lines.map((l) => JSON.parse(l).action)).toContain("auth.login");
      expect(portal.output()).toContain("SIGTERM: stopping");
    } finally {
      await portal.stop();
    }
  });
});
