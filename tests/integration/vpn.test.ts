// The lab VPN for real: network namespaces made here (a server namespace with a bridge for two client
// namespaces, and a "machines" namespace holding two lab machine addresses), a portal of its own that writes
// server.conf and runs openvpn in the server namespace, and Debian's openvpn client with profiles downloaded
// through the portal's API. Proves: the tunnel comes up, isolation (own machine yes, another student's no, no
// client-to-client), revocation (CRL refuses the profile, the live session is killed within seconds), rotation
// (the new profile connects, the old one does not), the static address released on revoke, race-free issuing.
// Everything (namespaces, processes, the portal) is removed in afterAll, also after a failure.
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "../../src/server/auth/passwords";
import { createDb, type Db } from "../../src/server/db/client";
import { PortalClient } from "../support/client";
import { type PortalProcess, startPortal, TEST_ADMIN } from "../support/portal-process";

const R = randomBytes(2).toString("hex");
const X = 10 + Math.floor(Math.random() * 200);
const NS = { srv: `lpvs-${R}`, a: `lpva-${R}`, b: `lpvb-${R}`, m: `lpvm-${R}` };
const SERVER_IP = `10.250.${X}.1`;
const LAB_NET = `10.251.${X}.0/24`;
const MACHINE_A = `10.251.${X}.10`;
const MACHINE_B = `10.251.${X}.11`;
const TUNNEL_SERVER = "10.8.0.1";
const work = mkdtempSync(join(tmpdir(), "lab-vpn-test-"));

function sh(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}
const inNs = (ns: string, ...args: string[]) => sh("ip", ["netns", "exec", ns, ...args]);

/** true when one ping from the namespace gets an answer within 2 s */
function ping(ns: string, address: string): boolean {
  return (
    spawnSync("ip", ["netns", "exec", ns, "ping", "-n", "-c", "1", "-W", "2", address], { stdio: "ignore" }).status ===
    0
  );
}

function makeNetwork(): void {
  for (const ns of Object.values(NS)) sh("ip", ["netns", "add", ns]);
  for (const ns of Object.values(NS)) inNs(ns, "ip", "link", "set", "lo", "up");
  // clients: one LAN (a bridge in the server namespace)
  inNs(NS.srv, "ip", "link", "add", "br0", "type", "bridge");
  inNs(NS.srv, "ip", "addr", "add", `${SERVER_IP}/24`, "dev", "br0");
  inNs(NS.srv, "ip", "link", "set", "br0", "up");
  for (const [key, host] of [
    ["a", 2],
    ["b", 3],
  ] as const) {
    const outer = `v${R}${key}s`;
    sh("ip", ["link", "add", outer, "netns", NS.srv, "type", "veth", "peer", "name", "eth0", "netns", NS[key]]);
    inNs(NS.srv, "ip", "link", "set", outer, "master", "br0");
    inNs(NS.srv, "ip", "link", "set", outer, "up");
    inNs(NS[key], "ip", "addr", "add", `10.250.${X}.${host}/24`, "dev", "eth0");
    inNs(NS[key], "ip", "link", "set", "eth0", "up");
  }
  // machines: a /30 link, the two machine addresses on the machines namespace's loopback
  sh("ip", ["link", "add", "labm", "netns", NS.srv, "type", "veth", "peer", "name", "eth0", "netns", NS.m]);
  inNs(NS.srv, "ip", "addr", "add", `10.249.${X}.1/30`, "dev", "labm");
  inNs(NS.srv, "ip", "link", "set", "labm", "up");
  inNs(NS.m, "ip", "addr", "add", `10.249.${X}.2/30`, "dev", "eth0");
  inNs(NS.m, "ip", "link", "set", "eth0", "up");
  inNs(NS.m, "ip", "addr", "add", `${MACHINE_A}/32`, "dev", "lo");
  inNs(NS.m, "ip", "addr", "add", `${MACHINE_B}/32`, "dev", "lo");
  inNs(NS.m, "ip", "route", "add", "10.8.0.0/24", "via", `10.249.${X}.1`);
  inNs(NS.srv, "ip", "route", "add", LAB_NET, "via", `10.249.${X}.2`);
  inNs(NS.srv, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
}

type Client = { proc: ChildProcess; log: string; exited: Promise<void> };
const clients = new Set<Client>();

function startClient(ns: string, profile: string, name: string): Client {
  const file = join(work, `${name}.ovpn`);
  const log = join(work, `${name}.log`);
  writeFileSync(file, profile, { mode: 0o600 });
  rmSync(log, { force: true });
  const proc = spawn(
    "ip",
    ["netns", "exec", ns, "openvpn", "--config", file, "--log", log, "--connect-retry", "1", "1"],
    { stdio: "ignore" },
  );
  const exited = new Promise<void>((ok) => proc.on("exit", () => ok()));
  const c = { proc, log, exited };
  clients.add(c);
  return c;
}

async function stopClient(c: Client): Promise<void> {
  if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill("SIGTERM");
  await Promise.race([c.exited, new Promise((r) => setTimeout(r, 5000))]);
  if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill("SIGKILL");
  clients.delete(c);
}

/** A path that must work: a few tries (openvpn runs in user space, and CI once lost the first echo in its 2 s on
 * a loaded machine). Paths that must not work stay single pings, checked after the allowed ones worked. */
const reaches = (ns: string, address: string) => waitFor(`${ns} to reach ${address}`, 10, () => ping(ns, address));

const logOf = (c: Client) => (existsSync(c.log) ? readFileSync(c.log, "utf8") : "");

async function waitFor<T>(what: string, seconds: number, probe: () => T | Promise<T>): Promise<T> {
  const end = Date.now() + seconds * 1000;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out after ${seconds}s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const connected = (c: Client) =>
  waitFor(`the tunnel (${c.log})`, 30, () => logOf(c).includes("Initialization Sequence Completed"));

let portal: PortalProcess | undefined;
let db: Db;
let admin: PortalClient;
type U = { id: string; email: string; client: PortalClient };
let studentA: U;
let studentB: U;

async function newUser(role: "STUDENT" | "TEACHER", password = "correct-horse-battery"): Promise<U> {
  const email = `vpn-${role.toLowerCase()}-${randomBytes(4).toString("hex")}@test.local`;
  const user = await db.user.create({
    data: { email, name: email, role, searchText: email, passwordHash: await hashPassword(password) },
  });
  const client = new PortalClient(portal!.url);
  const error = await client.signIn(email, password);
  if (error) throw new Error(`sign-in failed: ${error}`);
  return { id: user.id, email, client };
}

async function profileOf(u: U): Promise<string> {
  const created = await u.client.json<{ certificate: { address: string } | null }>("/api/vpn/certificate", {
    method: "POST",
  });
  expect(created.status, JSON.stringify(created.body)).toBe(200);
  const res = await u.client.fetch("/api/vpn/profile");
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toContain("application/x-openvpn-profile");
  return res.text();
}

type Overview = {
  preflight: { ok: boolean; checks: { id: string; ok: boolean; detail: string }[] };
  server: { reachable: boolean; error: string | null };
  clients: { commonName: string; virtualAddress: string; user: { email: string } | null }[];
  crl: { nextUpdate: string | null };
  firewall: { pairs: number; error: string | null };
};
const overview = async () => (await admin.json<Overview>("/api/admin/vpn")).body;
const myCert = async (u: U) =>
  (
    await u.client.json<{ certificate: { id: string; serial: string; commonName: string; address: string } | null }>(
      "/api/vpn",
    )
  ).body.certificate;

describe("lab VPN in network namespaces", () => {
  beforeAll(async () => {
    for (const tool of ["openvpn", "nft", "ip", "ping"]) {
      if (spawnSync("sh", ["-c", `command -v ${tool}`]).status !== 0)
        throw new Error(`${tool} is missing: run scripts/setup-services.sh vpn`);
    }
    makeNetwork();
    const dev: Record<string, string> = process.env.PORTAL_TEST_DEV
      ? { NEXT_DIST_DIR: `${process.env.PORTAL_TEST_DEV_DIR ?? ".next-test-dev"}-vpn` }
      : {};
    portal = await startPortal({
      env: {
        ...dev,
        VPN_ENABLED: "true",
        VPN_REMOTE_HOST: SERVER_IP,
        VPN_REMOTE_PORT: "1194",
        VPN_PROTO: "udp",
        VPN_NETWORK: "10.8.0.0/24",
        VPN_POOL: "10.8.0.64-10.8.0.254",
        VPN_LAB_NETWORKS: LAB_NET,
        VPN_RUN_OPENVPN: "true",
        VPN_NETNS: NS.srv,
      },
    });
    db = createDb(portal.databaseUrl);
    admin = new PortalClient(portal.url);
    expect(await admin.signIn(TEST_ADMIN.email, TEST_ADMIN.password)).toBeNull();
    studentA = await newUser("STUDENT");
    studentB = await newUser("STUDENT");
    await db.machine.create({
      data: { name: "a-machine", ownerId: studentA.id, state: "RUNNING", ipAddresses: MACHINE_A },
    });
    await db.machine.create({
      data: { name: "b-machine", ownerId: studentB.id, state: "RUNNING", ipAddresses: `${MACHINE_B},fe80::1` },
    });
  }, 240_000);

  afterAll(async () => {
    for (const c of [...clients]) await stopClient(c).catch(() => {});
    const pidFile = portal ? join(portal.dataDir, "vpn", "server", "openvpn.pid") : null;
    const pid = pidFile && existsSync(pidFile) ? Number(readFileSync(pidFile, "utf8").trim()) : 0;
    if (portal) {
      const code = await portal.stop().catch(() => null);
      if (code !== 0) console.error(`vpn test portal exited with ${code}:\n${portal.output().slice(-3000)}`);
    }
    if (pid) {
      try {
        process.kill(pid, "SIGKILL"); // only if the portal did not stop its openvpn
      } catch {
        // already gone
      }
    }
    await db?.$disconnect().catch(() => {});
    for (const ns of Object.values(NS)) spawnSync("ip", ["netns", "delete", ns], { stdio: "ignore" });
    rmSync(work, { recursive: true, force: true });
  }, 60_000);

  it("writes server.conf with crl-verify, client-config-dir, ccd-exclusive and a unix management socket, and runs openvpn", async () => {
    const conf = readFileSync(join(portal!.dataDir, "vpn", "server", "server.conf"), "utf8");
    expect(conf).toMatch(/^crl-verify \/.+crl\.pem$/m);
    expect(conf).toMatch(/^client-config-dir \/.+ccd$/m);
    expect(conf).toMatch(/^ccd-exclusive$/m);
    expect(conf).toMatch(/^management \/.+management\.sock unix$/m);
    expect(conf).toMatch(/^ifconfig-pool 10\.8\.0\.2 10\.8\.0\.63 255\.255\.255\.0$/m);
    expect(conf).not.toMatch(/^client-to-client/m);
    // the firewall was built at start (before any certificate): its table exists in the server namespace
    expect(inNs(NS.srv, "nft", "list", "table", "inet", "lab_portal_vpn")).toContain("chain forward");
    const ov = await waitFor("openvpn's management interface", 30, async () => {
      const o = await overview();
      return o.server.reachable ? o : null;
    });
    if (!ov) throw new Error("unreachable");
    expect(new Date(ov.crl.nextUpdate ?? 0).getTime()).toBeGreaterThan(Date.now() + 3 * 86_400_000);
    // the preflight passes on a machine set up by setup-services.sh vpn: programs, tun, the namespace, nftables, the server
    expect(ov.preflight.checks.filter((c) => !c.ok)).toEqual([]);
    expect(ov.preflight.checks.map((c) => c.id).sort()).toEqual([
      "netns",
      "nft",
      "nftables",
      "openvpn",
      "server",
      "tun",
    ]);
    expect(ov.preflight.ok).toBe(true);
    // private keys at rest are sealed
    const caKey = readFileSync(join(portal!.dataDir, "vpn", "ca.key.sealed"), "utf8");
    expect(caKey.startsWith("v1.")).toBe(true);
    expect(caKey).not.toContain("PRIVATE KEY");
  }, 60_000);

  it("downloads profiles with inline ca/cert/key/tls-crypt, the remote and the routes of the user's lab network", async () => {
    const a = await profileOf(studentA);
    for (const tag of ["ca", "cert", "key", "tls-crypt"])
      expect(a).toMatch(new RegExp(`<${tag}>\\n(#[^\\n]*\\n)*-----BEGIN [^\\n]+-----[\\s\\S]+?</${tag}>`));
    expect(a).toMatch(new RegExp(`^remote ${SERVER_IP.replace(/\./g, "\\.")} 1194$`, "m"));
    expect(a).toMatch(/^proto udp$/m);
    expect(a).toMatch(new RegExp(`^route 10\\.251\\.${X}\\.0 255\\.255\\.255\\.0$`, "m"));
    const certA = await myCert(studentA);
    expect(certA?.address).toBe("10.8.0.64"); // the pool's first address, outside the dynamic range
    // an unknown user's machine in another network gives no route
    const teacher = await newUser("TEACHER");
    const t = await profileOf(teacher);
    expect(t).not.toMatch(/^route /m);
    await teacher.client.fetch("/api/vpn/certificate", { method: "DELETE" });
  });

  let clientA: Client;
  let clientB: Client;
  let profileB1: string;
  it("connects: the tunnel comes up and the client pings the server's tunnel address", async () => {
    clientA = startClient(NS.a, await profileOf(studentA), "a1");
    profileB1 = await profileOf(studentB);
    clientB = startClient(NS.b, profileB1, "b1");
    await connected(clientA);
    await connected(clientB);
    await reaches(NS.a, TUNNEL_SERVER);
    await reaches(NS.b, TUNNEL_SERVER);
    expect(inNs(NS.a, "ip", "-4", "addr")).toContain("10.8.0.64/24");
    const ov = await overview();
    expect(ov.clients.map((c) => c.user?.email).sort()).toEqual([studentA.email, studentB.email].sort());
  }, 90_000);

  it("isolates: each student reaches their own machine, not the other's, and clients cannot reach each other", async () => {
    await reaches(NS.a, MACHINE_A);
    await reaches(NS.b, MACHINE_B);
    expect(ping(NS.a, MACHINE_B)).toBe(false);
    expect(ping(NS.b, MACHINE_A)).toBe(false);
    const addrB = (await myCert(studentB))!.address;
    expect(ping(NS.a, addrB)).toBe(false);
    const rules = inNs(NS.srv, "nft", "list", "table", "inet", "lab_portal_vpn");
    expect(rules).toContain(`10.8.0.64 . ${MACHINE_A}`);
    expect(rules).not.toContain(`10.8.0.64 . ${MACHINE_B}`);
  }, 60_000);

  it("rebuilds the firewall idempotently: rules flushed behind its back come back, reapplying changes nothing", async () => {
    inNs(NS.srv, "nft", "delete", "table", "inet", "lab_portal_vpn");
    const first = await admin.json<{ pairs: number; error: string | null }>("/api/admin/vpn/firewall", {
      method: "POST",
    });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ pairs: 2, error: null });
    const once = inNs(NS.srv, "nft", "list", "table", "inet", "lab_portal_vpn");
    await admin.fetch("/api/admin/vpn/firewall", { method: "POST" });
    const twice = inNs(NS.srv, "nft", "list", "table", "inet", "lab_portal_vpn");
    expect(twice.replace(/packets \d+ bytes \d+/g, "")).toBe(once.replace(/packets \d+ bytes \d+/g, ""));
    expect(inNs(NS.srv, "nft", "list", "tables").match(/lab_portal_vpn/g)).toHaveLength(1);
    await reaches(NS.a, MACHINE_A);
    expect(ping(NS.a, MACHINE_B)).toBe(false);
  }, 60_000);

  it("rebuilds on a change: a machine given to student A becomes reachable without reconnecting", async () => {
    await db.machine.updateMany({ where: { ipAddresses: { startsWith: MACHINE_B } }, data: { ownerId: studentA.id } });
    // no machine event comes from a direct database write: the portal's own event (a certificate change) triggers it
    const other = await newUser("STUDENT");
    await other.client.json("/api/vpn/certificate", { method: "POST" });
    await waitFor("student A to reach the machine given to them", 15, () => ping(NS.a, MACHINE_B));
    expect(ping(NS.b, MACHINE_B)).toBe(false);
    await db.machine.updateMany({ where: { ipAddresses: { startsWith: MACHINE_B } }, data: { ownerId: studentB.id } });
    await other.client.fetch("/api/vpn/certificate", { method: "DELETE" });
    await waitFor("the machine to be student B's again", 15, () => ping(NS.b, MACHINE_B) && !ping(NS.a, MACHINE_B));
  }, 60_000);

  it("rotate: the old session is killed, the new profile connects with the same address, the old one is refused", async () => {
    const before = (await myCert(studentB))!;
    const rotated = await studentB.client.json<{ certificate: { address: string; serial: string } }>(
      "/api/vpn/certificate/rotate",
      { method: "POST" },
    );
    expect(rotated.status).toBe(200);
    expect(rotated.body.certificate.address).toBe(before.address);
    expect(rotated.body.certificate.serial).not.toBe(before.serial);
    await waitFor(
      "the old session to be killed",
      10,
      async () => !(await overview()).clients.some((c) => c.commonName === before.commonName),
    );
    await stopClient(clientB);
    const b2 = startClient(NS.b, await (await studentB.client.fetch("/api/vpn/profile")).text(), "b2");
    await connected(b2);
    await reaches(NS.b, MACHINE_B);
    await stopClient(b2);
    const old = startClient(NS.b, profileB1, "b1-again");
    await new Promise((r) => setTimeout(r, 8000));
    expect(logOf(old)).not.toContain("Initialization Sequence Completed");
    expect(ping(NS.b, TUNNEL_SERVER)).toBe(false);
    await stopClient(old);
    const serverLog = readFileSync(join(portal!.dataDir, "logs", "openvpn.log"), "utf8");
    expect(serverLog).toMatch(new RegExp(`VERIFY ERROR: depth=0, error=certificate revoked: CN=${before.commonName}`));
  }, 90_000);

  it("revoke: the live session is killed within seconds, the profile is refused, the address is released", async () => {
    await reaches(NS.a, TUNNEL_SERVER);
    const cert = (await myCert(studentA))!;
    const res = await admin.json<{ killed: boolean }>(`/api/admin/vpn/certificates/${cert.id}/revoke`, {
      method: "POST",
      json: { reason: "lost laptop" },
    });
    expect(res.status).toBe(200);
    expect(res.body.killed).toBe(true); // the revoke itself killed the session through the management interface
    const t0 = Date.now();
    await waitFor(
      "the session to disappear",
      5,
      async () => !(await overview()).clients.some((c) => c.commonName === cert.commonName),
    );
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(ping(NS.a, TUNNEL_SERVER)).toBe(false);
    expect(ping(NS.a, MACHINE_A)).toBe(false);
    // the CRL on disk lists the serial
    const crl = sh("openssl", ["crl", "-in", join(portal!.dataDir, "vpn", "server", "crl.pem"), "-noout", "-text"]);
    expect(crl.replace(/\s/g, "")).toContain(`SerialNumber:${cert.serial}`);
    await stopClient(clientA);
    const again = startClient(NS.a, logOfProfile("a1"), "a1-again");
    await new Promise((r) => setTimeout(r, 8000));
    expect(logOf(again)).not.toContain("Initialization Sequence Completed");
    await stopClient(again);
    const serverLog = readFileSync(join(portal!.dataDir, "logs", "openvpn.log"), "utf8");
    expect(serverLog).toMatch(new RegExp(`VERIFY ERROR: depth=0, error=certificate revoked: CN=${cert.commonName}`));
    // the address went back to the pool: the next certificate gets it
    const row = await db.vpnCertificate.findUnique({ where: { id: cert.id } });
    expect(row).toMatchObject({ status: "REVOKED", address: null });
    expect((await studentA.client.json("/api/vpn/profile")).status).toBe(404);
    const renewed = await studentA.client.json<{ certificate: { address: string } }>("/api/vpn/certificate", {
      method: "POST",
    });
    expect(renewed.body.certificate.address).toBe("10.8.0.64");
  }, 90_000);

  it("refuses settings that would not work, and a pool that would strand active certificates", async () => {
    const current = (await admin.json<Record<string, unknown>>("/api/admin/vpn/settings")).body;
    const bad = await admin.json<{ error: { code: string; fields: Record<string, string> } }>(
      "/api/admin/vpn/settings",
      { method: "PUT", json: { ...current, pool: "10.8.0.1-10.8.0.20", labNetworks: ["10.8.0.0/16"] } },
    );
    expect(bad.status).toBe(422);
    expect(Object.keys(bad.body.error.fields).sort()).toEqual(["labNetworks.0", "pool"]);
    const stranding = await admin.json<{ error: { code: string; message: string } }>("/api/admin/vpn/settings", {
      method: "PUT",
      json: { ...current, pool: "10.8.0.200-10.8.0.254" },
    });
    expect(stranding.status).toBe(409);
    expect(stranding.body.error.message).toMatch(/outside the new pool/);
    expect((await studentA.client.json("/api/admin/vpn/settings")).status).toBe(403);
  });

  it("issues race-free: concurrent requests get distinct addresses, one certificate per user", async () => {
    const users = await Promise.all(Array.from({ length: 8 }, () => newUser("STUDENT")));
    const results = await Promise.all(
      users.flatMap((u) =>
        [0, 1, 2].map(() =>
          u.client.json<{ certificate: { address: string } }>("/api/vpn/certificate", { method: "POST" }),
        ),
      ),
    );
    for (const r of results) expect(r.status).toBe(200);
    const perUser = await Promise.all(
      users.map((u) => db.vpnCertificate.count({ where: { userId: u.id, status: "ACTIVE" } })),
    );
    expect(perUser).toEqual(users.map(() => 1));
    const active = await db.vpnCertificate.findMany({ where: { status: "ACTIVE" }, select: { address: true } });
    const addresses = active.map((c) => c.address);
    expect(new Set(addresses).size).toBe(addresses.length);
  }, 60_000);
});

function logOfProfile(name: string): string {
  return readFileSync(join(work, `${name}.ovpn`), "utf8");
}
