// Structured logs against real portals: every API response carries X-Request-Id (a safe incoming one is kept),
// and the portal's logs/portal.log holds JSON lines that carry that request id and the actor id; a failing call
// logs its error id with the error. Then a portal started as the quick start leaves it (generated first-admin
// password and auth secret, a SECRETS_KEY): after signing in, changing the password, creating an API token and
// a user, no secret appears in any file under logs/ nor on the portal's stdout.
import { randomBytes } from "node:crypto";
import { existsSync, lstatSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { PortalClient } from "../support/client";
import { type PortalProcess, startPortal } from "../support/portal-process";
import { signedInAdmin, testDb } from "../support/users";

type Line = { level: string; time: string; msg: string; reqId?: string; actorId?: string; [k: string]: unknown };

/** Every line of a portal.log, parsed (a line that is not JSON fails the test). */
function logLines(file: string): Line[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => {
      try {
        return JSON.parse(l) as Line;
      } catch {
        throw new Error(`not a JSON line in ${file}: ${l}`);
      }
    });
}

describe("request ids and JSON log lines", () => {
  const logFile = () => join(inject("dataDir"), "logs", "portal.log");

  it("answers with the request id and logs JSON lines carrying it and the actor id", async () => {
    const admin = await signedInAdmin();
    const me = await admin.json<{ id: string }>("/api/me");
    const reqId = `test-${randomBytes(6).toString("hex")}`;
    const res = await admin.fetch("/api/me", { headers: { "x-request-id": reqId } });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-request-id")).toBe(reqId);
    // no id or an unsafe one: a fresh one is made
    const fresh = (await admin.fetch("/api/me")).headers.get("x-request-id");
    expect(fresh).toMatch(/^[0-9a-f-]{36}$/);
    const unsafe = await admin.fetch("/api/me", { headers: { "x-request-id": "a b<script>" } });
    expect(unsafe.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);

    const lines = logLines(logFile());
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) {
      expect(typeof l.level).toBe("string");
      expect(Number.isNaN(Date.parse(l.time))).toBe(false);
    }
    const mine = lines.filter((l) => l.reqId === reqId);
    expect(mine.length).toBeGreaterThan(0);
    expect(mine[0]).toMatchObject({ level: "info", actorId: me.body.id, route: "/api/me", status: 200 });
  });

  it("logs a failing call's error id with the error, the request id and the actor id", async () => {
    const admin = await signedInAdmin();
    const me = await admin.json<{ id: string }>("/api/me");
    // a row an older version or a hand edit left broken: reading it throws inside the use case
    const broken = await testDb().template.create({
      data: { name: "broken command", kind: "DOCKER", status: "READY", dockerImage: "x", dockerCommand: "{not json" },
    });
    try {
      const res = await admin.fetch(`/api/templates/${broken.id}`);
      expect(res.status).toBe(500);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe("INTERNAL");
      const errorId = /error id ([0-9a-f-]{36})/.exec(body.error.message)?.[1];
      expect(errorId).toBeTruthy();
      const line = logLines(logFile()).find((l) => l.errorId === errorId);
      expect(line).toMatchObject({
        level: "error",
        reqId: res.headers.get("x-request-id"),
        actorId: me.body.id,
        where: "GET /api/templates/{id}",
      });
      expect((line?.err as { message?: string } | undefined)?.message).toMatch(/JSON/);
    } finally {
      await testDb().template.delete({ where: { id: broken.id } });
    }
  });
});

describe("no secret in logs after a quick start", () => {
  const FIRST_ADMIN = "first-admin@logging.test";
  const SECRETS_KEY = randomBytes(32).toString("base64url");
  let portal: PortalProcess | undefined;

  beforeAll(async () => {
    // a second dev portal needs its own build folder (fresh-install.test.ts uses the same one; files run one by one)
    const dev: Record<string, string> = process.env.PORTAL_TEST_DEV
      ? { NEXT_DIST_DIR: `${process.env.PORTAL_TEST_DEV_DIR ?? ".next-test-dev"}-fresh` }
      : {};
    portal = await startPortal({
      env: { ...dev, ADMIN_EMAIL: FIRST_ADMIN, ADMIN_PASSWORD: "", AUTH_SECRET: "", SECRETS_KEY },
    });
  }, 240_000);

  afterAll(async () => {
    const code = await portal?.stop().catch(() => null);
    if (code !== 0) console.error(`logging portal exited with ${code}:\n${portal?.output().slice(-3000)}`);
  }, 60_000);

  it("keeps the first admin's password, AUTH_SECRET, SECRETS_KEY, a new password and API token out of logs/", async () => {
    const p = portal as PortalProcess;
    const firstPassword = readFileSync(join(p.dataDir, "first-admin-password"), "utf8").trim();
    const authSecret = readFileSync(join(p.dataDir, "auth-secret"), "utf8").trim();
    expect(firstPassword.length).toBeGreaterThanOrEqual(12);
    expect(authSecret.length).toBeGreaterThanOrEqual(32);

    const admin = new PortalClient(p.url);
    expect(await admin.signIn(FIRST_ADMIN, firstPassword)).toBeNull();
    const newPassword = `chosen-${randomBytes(9).toString("base64url")}`;
    const changed = await admin.json("/api/me/password", {
      method: "POST",
      json: { currentPassword: firstPassword, newPassword },
    });
    expect(changed.status, JSON.stringify(changed.body)).toBeLessThan(300);
    const again = new PortalClient(p.url);
    expect(await again.signIn(FIRST_ADMIN, newPassword)).toBeNull();
    const session = /session-token=([^;]+)/.exec(again.cookieHeader())?.[1] as string;
    expect(session).toBeTruthy();
    const token = await again.json<{ token: string }>("/api/me/tokens", {
      method: "POST",
      json: { name: "logging test", scopes: ["read", "write", "admin"] },
    });
    expect(token.status).toBe(201);
    const viaToken = await fetch(`${p.url}/api/admin/users`, {
      headers: { authorization: `Bearer ${token.body.token}` },
    });
    expect(viaToken.status).toBe(200);
    const user = await again.json<{ temporaryPassword?: string }>("/api/admin/users", {
      method: "POST",
      json: { email: `student-${Date.now()}@logging.test`, name: "Student", role: "STUDENT" },
    });
    expect(user.status).toBe(201);
    const temporary = user.body.temporaryPassword as string;
    expect(temporary).toBeTruthy();
    // a refused sign-in with a wrong password is logged without the password
    const wrong = `wrong-${randomBytes(6).toString("hex")}`;
    expect(await new PortalClient(p.url).signIn(FIRST_ADMIN, wrong)).not.toBeNull();

    const logs = join(p.dataDir, "logs");
    const files = readdirSync(logs, { recursive: true })
      .map((f) => join(logs, String(f)))
      .filter((f) => existsSync(f) && lstatSync(f).isFile());
    expect(files).toContain(join(logs, "portal.log"));
    const secrets = {
      firstPassword,
      authSecret,
      SECRETS_KEY,
      newPassword,
      token: token.body.token,
      session,
      temporary,
      wrong,
    };
    const texts = [...files.map((f) => [f, readFileSync(f, "utf8")]), ["stdout/stderr", p.output()]];
    for (const [name, text] of texts)
      for (const [what, secret] of Object.entries(secrets))
        expect(text?.includes(secret as string), `${what} appears in ${name}`).toBe(false);
    // the log did record what happened, as JSON lines
    const lines = logLines(join(logs, "portal.log"));
    expect(lines.some((l) => l.msg.includes(`First admin created: ${FIRST_ADMIN}`))).toBe(true);
    expect(lines.some((l) => l.route === "/api/me/tokens" && l.status === 201 && l.actorId)).toBe(true);
  }, 240_000); // a second dev portal compiles each route on its first call
});
