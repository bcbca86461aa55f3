// `npm run bench:vpn`: issuing VPN client profiles with the portal's own code against Debian's Easy-RSA, in one run.
//
// Portal: 200 profiles, each the whole path a user's "create profile" + "download" takes in the portal —
// ensureCertificate() (EC P-256 key pair, certificate signed by the CA, static address allocated in the database
// under the unique index, private key sealed, ccd file written, audit row and line) then profileFor() (routes
// from the database, key unsealed, .ovpn text) — against a fresh SQLite database in a temporary folder.
// Easy-RSA: 20 profiles with `easyrsa --batch build-client-full <name> nopass` in a temporary PKI made with
// EASYRSA_ALGO=ec EASYRSA_CURVE=prime256v1 (the same curve as the portal, so the comparison is like for like:
// `speedup`), then 20 more with Easy-RSA's own default (RSA 2048, the plain command: `speedup_vs_default`),
// each followed by reading the certificate and key into the same .ovpn text.
// Prints per-profile times and, last, one JSON line: profile_ms, easyrsa_profile_ms, speedup (target ≥ 20).
// Knobs: BENCH_VPN_N (200), BENCH_VPN_EASYRSA_N (20), BENCH_EASYRSA (/usr/share/easy-rsa/easyrsa).
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";

const N = Number(process.env.BENCH_VPN_N ?? 200);
const EN = Number(process.env.BENCH_VPN_EASYRSA_N ?? 20);
const EASYRSA = process.env.BENCH_EASYRSA ?? "/usr/share/easy-rsa/easyrsa";
const work = mkdtempSync(join(tmpdir(), "bench-vpn-"));

Object.assign(process.env, {
  DATA_DIR: join(work, "data"),
  LOG_DIR: join(work, "logs"),
  DATABASE_URL: `file:${join(work, "bench.db")}`,
  AUTH_SECRET: randomBytes(32).toString("hex"),
  VPN_ENABLED: "true",
  VPN_REMOTE_HOST: "vpn.bench.invalid",
  VPN_NETWORK: "10.8.0.0/22",
  VPN_POOL: "10.8.1.0-10.8.3.254",
  VPN_LAB_NETWORKS: "10.20.0.0/16",
  BACKGROUND_WORKERS: "false",
});

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? 0;
  return {
    mean: xs.reduce((a, b) => a + b, 0) / xs.length,
    p50: q(0.5),
    p95: q(0.95),
    min: s[0] ?? 0,
    max: s[s.length - 1] ?? 0,
  };
};
const fmt = (n: number) => n.toFixed(2);

async function portalRun(): Promise<number[]> {
  const { migrate } = await import("../../src/server/db/migrate");
  const { db } = await import("../../src/server/db/client");
  const { pki } = await import("../../src/server/vpn/pki");
  const { ensureCertificate, profileFor } = await import("../../src/server/vpn/certificates");
  const { flushAudit } = await import("../../src/server/audit/record");
  await migrate(process.env.DATABASE_URL as string);
  await pki(); // the CA is made once per installation, not per profile
  const users = [];
  for (let i = 0; i < N; i++) {
    const email = `bench-${i}@bench.invalid`;
    users.push(
      await db().user.create({
        data: { email, name: `Bench ${i}`, searchText: email, passwordHash: "x", role: "STUDENT" },
      }),
    );
  }
  // one warm-up profile (JIT, prepared statements), not counted
  const warm = await db().user.create({
    data: { email: "warm@bench.invalid", name: "warm", searchText: "warm", passwordHash: "x", role: "STUDENT" },
  });
  await ensureCertificate(warm, { actor: warm, ip: null });
  await profileFor(warm);
  const times: number[] = [];
  for (const u of users) {
    const t = performance.now();
    await ensureCertificate(u, { actor: u, ip: null });
    const p = await profileFor(u);
    times.push(performance.now() - t);
    if (!p.text.includes("<key>")) throw new Error("profile without a key");
  }
  const distinct = new Set(
    (await db().vpnCertificate.findMany({ where: { status: "ACTIVE" }, select: { address: true } })).map(
      (c) => c.address,
    ),
  );
  if (distinct.size !== N + 1) throw new Error(`expected ${N + 1} distinct addresses, got ${distinct.size}`);
  await flushAudit();
  await db().$disconnect();
  return times;
}

/** ec: EASYRSA_ALGO=ec prime256v1 (like for like); default: Easy-RSA's own default (RSA 2048), the plain command. */
function easyrsaRun(mode: "ec" | "default"): number[] {
  if (!existsSync(EASYRSA))
    throw new Error(`${EASYRSA} not found: run scripts/setup-services.sh vpn (Debian's easy-rsa package)`);
  const pkiDir = join(work, `easyrsa-pki-${mode}`);
  const algo = mode === "ec" ? { EASYRSA_ALGO: "ec", EASYRSA_CURVE: "prime256v1" } : {};
  const env = { ...process.env, EASYRSA_PKI: pkiDir, EASYRSA_BATCH: "1", ...algo, EASYRSA_CERT_EXPIRE: "365" };
  const run = (...args: string[]) => execFileSync(EASYRSA, args, { cwd: work, env, stdio: ["ignore", "pipe", "pipe"] });
  run("init-pki");
  run("build-ca", "nopass");
  const ca = readFileSync(join(pkiDir, "ca.crt"), "utf8");
  const times: number[] = [];
  for (let i = 0; i < EN; i++) {
    const name = `client-${i}`;
    const t = performance.now();
    run("build-client-full", name, "nopass");
    const cert = readFileSync(join(pkiDir, "issued", `${name}.crt`), "utf8");
    const key = readFileSync(join(pkiDir, "private", `${name}.key`), "utf8");
    const text = [
      "client",
      "dev tun",
      "remote vpn.bench.invalid 1194",
      `<ca>\n${ca}</ca>`,
      `<cert>\n${cert}</cert>`,
      `<key>\n${key}</key>`,
    ].join("\n");
    times.push(performance.now() - t);
    if (!text.includes("PRIVATE KEY")) throw new Error("easy-rsa profile without a key");
  }
  return times;
}

try {
  console.log(`bench:vpn — ${N} portal profiles, ${EN} Easy-RSA profiles (EC prime256v1), work folder ${work}`);
  const portal = await portalRun();
  for (const [i, t] of portal.entries()) console.log(`portal   profile ${String(i + 1).padStart(3)}: ${fmt(t)} ms`);
  const easy = easyrsaRun("ec");
  for (const [i, t] of easy.entries()) console.log(`easy-rsa profile ${String(i + 1).padStart(3)}: ${fmt(t)} ms`);
  const easyDefault = easyrsaRun("default");
  for (const [i, t] of easyDefault.entries())
    console.log(`easy-rsa (default RSA) profile ${String(i + 1).padStart(3)}: ${fmt(t)} ms`);
  const p = stats(portal);
  const e = stats(easy);
  const d = stats(easyDefault);
  console.log("");
  console.log(
    `portal                 (n=${N}):  mean ${fmt(p.mean)} ms  p50 ${fmt(p.p50)}  p95 ${fmt(p.p95)}  min ${fmt(p.min)}  max ${fmt(p.max)}`,
  );
  console.log(
    `easy-rsa EC P-256      (n=${EN}):  mean ${fmt(e.mean)} ms  p50 ${fmt(e.p50)}  p95 ${fmt(e.p95)}  min ${fmt(e.min)}  max ${fmt(e.max)}`,
  );
  console.log(
    `easy-rsa default (RSA) (n=${EN}):  mean ${fmt(d.mean)} ms  p50 ${fmt(d.p50)}  p95 ${fmt(d.p95)}  min ${fmt(d.min)}  max ${fmt(d.max)}`,
  );
  const speedup = e.mean / p.mean;
  const speedupDefault = d.mean / p.mean;
  console.log(`speedup like for like (EC) ${speedup.toFixed(1)}× (target ≥ 20×) ${speedup >= 20 ? "✓" : "✗"}`);
  console.log(
    `speedup against the plain command (Easy-RSA's default RSA 2048) ${speedupDefault.toFixed(1)}× ${speedupDefault >= 20 ? "✓" : "✗"}`,
  );
  console.log(
    JSON.stringify({
      profile_ms: Number(p.mean.toFixed(3)),
      profile_p50_ms: Number(p.p50.toFixed(3)),
      profile_p95_ms: Number(p.p95.toFixed(3)),
      easyrsa_profile_ms: Number(e.mean.toFixed(3)),
      easyrsa_profile_p50_ms: Number(e.p50.toFixed(3)),
      easyrsa_default_profile_ms: Number(d.mean.toFixed(3)),
      speedup: Number(speedup.toFixed(2)),
      speedup_vs_default: Number(speedupDefault.toFixed(2)),
      n_portal: N,
      n_easyrsa: EN,
      key: "EC P-256 (portal, easyrsa_profile_ms); RSA 2048 (easyrsa_default_profile_ms)",
      database: "sqlite",
    }),
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
