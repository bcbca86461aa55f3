// A portal as the quick start leaves it on a machine without the VPN's programs: its own data folder (with files
// an older run left world-readable), no ADMIN_PASSWORD and no AUTH_SECRET (both generated), and a PATH without
// /usr/sbin, so openvpn and nft are "not installed". Proves: data/ and logs/ become 0700/0600 (database, its
// -wal/-shm, auth-secret, audit log, images), the generated admin password reaches no log but a 0600 file, the
// VPN preflight refuses to enable with a sentence naming the fix (and the admin overview lists the failed
// checks), a profile is refused with 409 while the VPN server does not run, and pages carry the CSP header.
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword, verifyPassword } from "../../src/server/auth/passwords";
import { createDb, type Db } from "../../src/server/db/client";
import { PortalClient } from "../support/client";
import { createTestDatabase, type PortalProcess, startPortal } from "../support/portal-process";

const FIRST_ADMIN = "first-admin@fresh.test";
const dataDir = mkdtempSync(join(tmpdir(), "lab-portal-fresh-"));
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let portal: PortalProcess | undefined;
let db: Db;

/** Every path under `root` with its permission bits. */
function modes(root: string): { path: string; dir: boolean; mode: number }[] {
  const out: { path: string; dir: boolean; mode: number }[] = [];
  const visit = (p: string) => {
    const st = lstatSync(p);
    if (st.isSymbolicLink()) return;
    out.push({ path: p, dir: st.isDirectory(), mode: st.mode & 0o777 });
    if (st.isDirectory()) for (const name of readdirSync(p)) visit(join(p, name));
  };
  visit(root);
  return out;
}

async function signedInAdmin(): Promise<PortalClient> {
  const email = `preflight-admin-${Date.now()}@fresh.test`;
  await db.user.create({
    data: {
      email,
      name: "Preflight admin",
      role: "ADMIN",
      searchText: email,
      passwordHash: await hashPassword("correct-horse-battery"),
    },
  });
  const client = new PortalClient(portal!.url);
  expect(await client.signIn(email, "correct-horse-battery")).toBeNull();
  return client;
}

describe("a fresh install without the VPN's programs", () => {
  beforeAll(async () => {
    // what an older version left behind: world-readable folders and files
    chmodSync(dataDir, 0o755);
    mkdirSync(join(dataDir, "images"), { recursive: true, mode: 0o755 });
    writeFileSync(join(dataDir, "images", "old.qcow2"), "x", { mode: 0o644 });
    mkdirSync(join(dataDir, "logs"), { recursive: true, mode: 0o755 });
    writeFileSync(join(dataDir, "logs", "portal.log"), "an older run\n", { mode: 0o644 });
    chmodSync(join(dataDir, "images"), 0o755);
    chmodSync(join(dataDir, "images", "old.qcow2"), 0o644);
    chmodSync(join(dataDir, "logs", "portal.log"), 0o644);
    database = await createTestDatabase(undefined, dataDir);
    const dev: Record<string, string> = process.env.PORTAL_TEST_DEV
      ? { NEXT_DIST_DIR: `${process.env.PORTAL_TEST_DEV_DIR ?? ".next-test-dev"}-fresh` }
      : {};
    portal = await startPortal({
      reuse: { databaseUrl: database.url, dataDir },
      env: {
        ...dev,
        PATH: "/usr/local/bin:/usr/bin:/bin", // no /usr/sbin: openvpn and nft are missing
        ADMIN_EMAIL: FIRST_ADMIN,
        ADMIN_PASSWORD: "",
        AUTH_SECRET: "",
      },
    });
    db = createDb(database.url);
  }, 240_000);

  afterAll(async () => {
    if (portal) {
      const code = await portal.stop().catch(() => null);
      if (code !== 0) console.error(`fresh-install portal exited with ${code}:\n${portal.output().slice(-3000)}`);
    }
    await db?.$disconnect().catch(() => {});
    await database?.drop().catch(() => {});
    rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it("keeps data/ and logs/ private: folders 0700, files 0600 (database, -wal/-shm, auth-secret, audit log, images)", async () => {
    // a request that writes (an audit line, database pages) before looking
    const ov = await (await signedInAdmin()).json("/api/admin/vpn");
    expect(ov.status, JSON.stringify(ov.body)).toBe(200);
    const all = modes(dataDir);
    const names = all.map((e) => e.path.slice(dataDir.length + 1));
    expect(names).toEqual(
      expect.arrayContaining([
        "auth-secret",
        "first-admin-password",
        "logs/portal.log",
        "images/old.qcow2",
        "logs/audit/audit.jsonl",
      ]),
    );
    if (database.url.startsWith("file:"))
      expect(names).toEqual(expect.arrayContaining(["test.db", "test.db-wal", "test.db-shm"]));
    // portal-output.log is the test harness's copy of the portal's output, written by this process, not the portal
    const wrong = all
      .filter((e) => !e.path.endsWith("/portal-output.log") && e.mode !== (e.dir ? 0o700 : 0o600))
      .map((e) => `${e.path} ${e.mode.toString(8)}`);
    expect(wrong).toEqual([]);
  });

  it("never logs the generated first-admin password: it waits in a 0600 file and signs in", async () => {
    const file = join(dataDir, "first-admin-password");
    const password = readFileSync(file, "utf8").trim();
    expect(password.length).toBeGreaterThanOrEqual(12);
    expect(lstatSync(file).mode & 0o777).toBe(0o600);
    const output = portal!.output();
    expect(output).toContain(`First admin created: ${FIRST_ADMIN}`);
    expect(output).toContain(file);
    expect(output).not.toContain(password);
    const logs = join(dataDir, "logs");
    for (const f of readdirSync(logs, { recursive: true }).map(String)) {
      const path = join(logs, f);
      if (existsSync(path) && lstatSync(path).isFile()) expect(readFileSync(path, "utf8")).not.toContain(password);
    }
    const admin = await db.user.findUniqueOrThrow({ where: { email: FIRST_ADMIN } });
    expect(await verifyPassword(admin.passwordHash, password)).toBe(true);
  });

  it("refuses to enable the VPN with a sentence that names the fix, and lists the failed checks", async () => {
    const admin = await signedInAdmin();
    const current = (await admin.json<Record<string, unknown>>("/api/admin/vpn/settings")).body;
    const res = await admin.json<{ error: { code: string; message: string; fields?: Record<string, string> } }>(
      "/api/admin/vpn/settings",
      {
        method: "PUT",
        json: { ...current, enabled: true, remoteHost: "vpn.fresh.test" },
      },
    );
    expect(res.status, JSON.stringify(res.body)).toBe(409);
    expect(res.body.error.code).toBe("VPN_PREFLIGHT_FAILED");
    expect(res.body.error.message).toContain("openvpn is not installed");
    expect(res.body.error.message).toContain("run scripts/setup-services.sh vpn (apt-get install openvpn)");
    expect(res.body.error.message).toContain("nft is not installed");
    expect(res.body.error.fields?.enabled).toContain("openvpn is not installed");
    // nothing was saved
    expect((await admin.json<{ enabled: boolean }>("/api/admin/vpn/settings")).body.enabled).toBe(false);
    const ov = await admin.json<{ preflight: { ok: boolean; checks: { id: string; ok: boolean; detail: string }[] } }>(
      "/api/admin/vpn",
    );
    expect(ov.status).toBe(200);
    expect(ov.body.preflight.ok).toBe(false);
    const byId = Object.fromEntries(ov.body.preflight.checks.map((c) => [c.id, c]));
    expect(byId.openvpn).toMatchObject({ ok: false, detail: expect.stringContaining("apt-get install openvpn") });
    expect(byId.nft).toMatchObject({ ok: false, detail: expect.stringContaining("apt-get install nftables") });
    expect(byId.tun?.ok).toBe(true);
  });

  it("refuses a profile with 409 while the VPN server does not run", async () => {
    // enabled behind the preflight's back (an older portal, a hand-edited row): the server cannot be running
    await db.setting.upsert({
      where: { key: "vpn" },
      create: { key: "vpn", value: JSON.stringify({ enabled: true, remoteHost: "vpn.fresh.test" }) },
      update: { value: JSON.stringify({ enabled: true, remoteHost: "vpn.fresh.test" }) },
    });
    const student = new PortalClient(portal!.url);
    const email = `fresh-student-${Date.now()}@fresh.test`;
    await db.user.create({
      data: {
        email,
        name: email,
        role: "STUDENT",
        searchText: email,
        passwordHash: await hashPassword("correct-horse-battery"),
      },
    });
    expect(await student.signIn(email, "correct-horse-battery")).toBeNull();
    const created = await student.json("/api/vpn/certificate", { method: "POST" });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const profile = await student.json<{ error: { code: string; message: string } }>("/api/vpn/profile");
    expect(profile.status).toBe(409);
    expect(profile.body.error).toMatchObject({
      code: "VPN_NOT_RUNNING",
      message: expect.stringContaining("VPN server is not running"),
    });
    await db.setting.delete({ where: { key: "vpn" } });
  });

  it("sends a Content-Security-Policy on pages, and no HSTS over plain http", async () => {
    const res = await fetch(`${portal!.url}/login`);
    expect(res.status).toBe(200);
    const csp = res.headers.get("content-security-policy") ?? "";
    for (const directive of [
      "default-src 'self'",
      "script-src 'self' 'unsafe-inline'",
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data: blob:",
      "connect-src 'self' ws: wss:",
      "frame-ancestors 'none'",
      "base-uri 'self'",
      "form-action 'self'",
      "object-src 'none'",
    ]) {
      expect(csp).toContain(directive);
    }
    expect(res.headers.get("strict-transport-security")).toBeNull();
  });
});
