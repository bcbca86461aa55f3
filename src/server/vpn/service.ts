// The VPN's background side, started once per process from startup.ts: PKI and server files at start, the CRL
// refreshed on a schedule well before its next-update, expired certificates released, the firewall rebuilt
// (debounced) on every relevant event and every minute, and optionally the openvpn process itself
// (VPN_RUN_OPENVPN; otherwise a systemd unit runs it from the same server.conf).
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { env } from "@/env";
import { bus, type PortalEvent } from "@/server/events/bus";
import { serialRebuild } from "@/server/jobs/serial-rebuild";
import { revokeExpired } from "./certificates";
import { applyFirewall } from "./firewall";
import { pki } from "./pki";
import { vpnPreflight } from "./preflight";
import { refreshCrlIfDue, syncCcd, writeServerConf } from "./server-files";
import { getVpnSettings, settingsProblems } from "./settings";

type Log = (line: string) => void;
type State = {
  log: Log;
  timers: NodeJS.Timeout[];
  debounce: NodeJS.Timeout | null;
  /** Rebuilds the firewall now, or right after the rebuild in progress (`serialRebuild`). */
  rebuild: () => Promise<void>;
  child: ChildProcess | null;
  childConf: string | null;
  stopping: boolean;
  lastFirewall: { at: string; pairs: number; error: string | null } | null;
  listener: ((e: PortalEvent) => void) | null;
};

const g = globalThis as unknown as { __labVpn?: State };
const REBUILD_EVENTS = new Set([
  "machine.updated",
  "machine.deleted",
  "machine.created",
  "class.roster",
  "vpn.certificate",
  "vpn.settings",
]);
const DEBOUNCE_MS = 300;

export function vpnRuntime(): {
  running: boolean;
  firewall: State["lastFirewall"];
  openvpnPid: number | null;
  managedByPortal: boolean;
} {
  const st = g.__labVpn;
  return {
    running: Boolean(st),
    firewall: st?.lastFirewall ?? null,
    openvpnPid: st?.child?.pid ?? null,
    managedByPortal: env().VPN_RUN_OPENVPN,
  };
}

async function rebuildFirewall(st: State): Promise<void> {
  const s = await getVpnSettings();
  if (!s.enabled || env().VPN_FIREWALL === "off") return;
  try {
    const { pairs } = await applyFirewall(s);
    const before = st.lastFirewall;
    st.lastFirewall = { at: new Date().toISOString(), pairs, error: null };
    if (!before || before.error || before.pairs !== pairs)
      st.log(`✓ vpn firewall: ${pairs} client→machine pair(s) allowed`);
  } catch (error) {
    const message = (error as Error).message;
    if (st.lastFirewall?.error !== message) st.log(`✗ vpn firewall not applied: ${message}`);
    st.lastFirewall = { at: new Date().toISOString(), pairs: 0, error: message };
  }
}

/** Rebuilds now, or right after the rebuild in progress (never two at once, never a lost change). */
export function rebuildFirewallNow(): Promise<void> {
  return g.__labVpn?.rebuild() ?? Promise.resolve();
}

function scheduleRebuild(st: State): void {
  if (st.debounce) clearTimeout(st.debounce);
  st.debounce = setTimeout(() => {
    st.debounce = null;
    void rebuildFirewallNow();
  }, DEBOUNCE_MS);
}

function openvpnCommand(conf: string): [string, string[]] {
  const ns = env().VPN_NETNS;
  return ns ? ["ip", ["netns", "exec", ns, "openvpn", "--config", conf]] : ["openvpn", ["--config", conf]];
}

function startOpenvpn(st: State, conf: string): void {
  if (st.child || st.stopping) return;
  const logDir = resolve(env().LOG_DIR);
  mkdirSync(logDir, { recursive: true });
  const out = createWriteStream(join(logDir, "openvpn.log"), { flags: "a" });
  const [cmd, args] = openvpnCommand(conf);
  const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
  child.stdout?.pipe(out, { end: false });
  child.stderr?.pipe(out, { end: false });
  st.child = child;
  st.childConf = conf;
  child.on("error", (error) => st.log(`✗ openvpn could not start: ${error.message}`));
  child.on("exit", (code, signal) => {
    if (st.child === child) st.child = null;
    out.end();
    if (st.stopping) return;
    st.log(`✗ openvpn exited (${signal ?? code}); restarting in 5 s (log: ${join(logDir, "openvpn.log")})`);
    const t = setTimeout(() => startOpenvpn(st, conf), 5000);
    st.timers.push(t);
  });
  st.log(`✓ openvpn started by the portal (pid ${child.pid}${env().VPN_NETNS ? `, netns ${env().VPN_NETNS}` : ""})`);
}

function stopOpenvpn(st: State): Promise<void> {
  const child = st.child;
  if (!child || child.exitCode !== null) return Promise.resolve();
  st.child = null;
  return new Promise((ok) => {
    const force = setTimeout(() => child.kill("SIGKILL"), 5000);
    child.once("exit", () => {
      clearTimeout(force);
      ok();
    });
    child.kill("SIGTERM");
  });
}

/** Writes everything OpenVPN reads from the settings and the database; starts or restarts openvpn when the portal runs it. */
async function prepare(st: State, reason: string): Promise<void> {
  const s = await getVpnSettings();
  if (!s.enabled) {
    if (st.child) {
      st.log("vpn disabled: stopping openvpn");
      await stopOpenvpn(st);
    }
    return;
  }
  const problems = settingsProblems(s);
  if (Object.keys(problems).length) {
    st.log(
      `✗ vpn settings need attention: ${Object.entries(problems)
        .map(([k, v]) => `${k}: ${v}`)
        .join("; ")}`,
    );
    return;
  }
  await pki();
  const conf = await writeServerConf(s);
  const ccd = await syncCcd(s.network);
  const refreshed = await refreshCrlIfDue(s.crlDays);
  const expired = await revokeExpired(s);
  if (reason === "start" || ccd.written || ccd.removed || refreshed || expired) {
    st.log(
      `✓ vpn (${reason}): ${conf}; ccd ${ccd.written} written, ${ccd.removed} removed${refreshed ? "; CRL refreshed" : ""}${expired ? `; ${expired} expired certificate(s) released` : ""}`,
    );
  }
  const failed = (await vpnPreflight({ running: false, fresh: true })).checks.filter((c) => !c.ok);
  if (failed.length && reason !== "schedule") st.log(`✗ vpn preflight: ${failed.map((c) => c.detail).join(" ")}`);
  // openvpn could not run (program, tun or namespace missing): not started, so no restart loop
  if (failed.some((c) => c.id !== "nftables")) return;
  if (env().VPN_RUN_OPENVPN) {
    if (reason === "settings" && st.child) await stopOpenvpn(st);
    startOpenvpn(st, conf);
  }
}

export async function startVpn(log: Log): Promise<void> {
  if (g.__labVpn) return;
  const st: State = {
    log,
    timers: [],
    debounce: null,
    rebuild: serialRebuild(() => rebuildFirewall(st)),
    child: null,
    childConf: null,
    stopping: false,
    lastFirewall: null,
    listener: null,
  };
  g.__labVpn = st;
  st.listener = (e: PortalEvent) => {
    if (!REBUILD_EVENTS.has(e.type)) return;
    if (e.type === "vpn.settings")
      void prepare(st, "settings").catch((error) => log(`✗ vpn: ${(error as Error).message}`));
    scheduleRebuild(st);
  };
  bus().on("event", st.listener);
  await prepare(st, "start").catch((error) => log(`✗ vpn could not be prepared: ${(error as Error).message}`));
  await rebuildFirewallNow();
  // CRL: regenerated when half of its lifetime is gone (checked every VPN_CRL_CHECK_SECONDS), expired certificates released
  st.timers.push(
    setInterval(
      () => void prepare(st, "schedule").catch((error) => log(`✗ vpn schedule: ${(error as Error).message}`)),
      env().VPN_CRL_CHECK_SECONDS * 1000,
    ),
  );
  // the firewall again every minute: rules someone flushed come back, addresses the reconciler learnt are added
  st.timers.push(setInterval(() => void rebuildFirewallNow(), 60_000));
  for (const t of st.timers) t.unref();
}

export async function stopVpn(): Promise<void> {
  const st = g.__labVpn;
  if (!st) return;
  st.stopping = true;
  for (const t of st.timers) clearInterval(t);
  if (st.debounce) clearTimeout(st.debounce);
  if (st.listener) bus().off("event", st.listener);
  await stopOpenvpn(st);
  g.__labVpn = undefined;
}
