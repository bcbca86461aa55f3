// What the lab VPN needs from this machine, checked before it is enabled and shown on the admin page: the
// openvpn and nft programs, a usable /dev/net/tun, the network namespace (VPN_NETNS), nftables itself, and, once
// it should be running, the OpenVPN server answering on its management socket. Each failed check carries a
// sentence that names the fix, which the settings update (refusal) and the admin page (checklist) show as is.
import { accessSync, closeSync, constants, openSync, statSync } from "node:fs";
import { delimiter, join } from "node:path";
import { env } from "@/env";
import { AppError } from "@/server/http/app-error";
import { run } from "@/server/providers/exec";
import { managementCommand } from "./management";
import { paths } from "./server-files";

export type PreflightCheck = {
  id: "openvpn" | "nft" | "tun" | "netns" | "nftables" | "server";
  label: string;
  ok: boolean;
  detail: string;
};
export type Preflight = { ok: boolean; checks: PreflightCheck[] };

const SETUP = "run scripts/setup-services.sh vpn";

/** The program's path on PATH (as execFile would find it), or null. */
export function findProgram(name: string, path = process.env.PATH ?? ""): string | null {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const file = join(dir, name);
    try {
      if (!statSync(file).isFile()) continue;
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return null;
}

const firstLine = (error: unknown) =>
  ((error as { stderr?: string }).stderr || (error as Error).message || String(error)).trim().split("\n")[0] ?? "";

function programCheck(id: "openvpn" | "nft", pkg: string): PreflightCheck {
  const found = findProgram(id);
  return found
    ? { id, label: `${id} installed`, ok: true, detail: found }
    : {
        id,
        label: `${id} installed`,
        ok: false,
        detail: `${id} is not installed (not found on PATH): ${SETUP} (apt-get install ${pkg}).`,
      };
}

function tunCheck(): PreflightCheck {
  const label = "/dev/net/tun usable";
  try {
    if (!statSync("/dev/net/tun").isCharacterDevice())
      throw Object.assign(new Error("not a character device"), { code: "ENODEV" });
    closeSync(openSync("/dev/net/tun", "r+"));
    return { id: "tun", label, ok: true, detail: "/dev/net/tun opens for reading and writing" };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT"
        ? "does not exist"
        : code === "EACCES" || code === "EPERM"
          ? "cannot be opened by the portal's user"
          : `is not usable (${code ?? (error as Error).message})`;
    return {
      id: "tun",
      label,
      ok: false,
      detail: `/dev/net/tun ${why}: ${SETUP} (it creates the device), or give the container the tun device (docker run --device /dev/net/tun --cap-add NET_ADMIN).`,
    };
  }
}

async function netnsCheck(ns: string): Promise<PreflightCheck> {
  const label = `network namespace ${ns}`;
  try {
    await run("ip", ["netns", "exec", ns, "true"], { timeoutMs: 10_000 });
    return { id: "netns", label, ok: true, detail: `ip netns exec ${ns} works` };
  } catch (error) {
    return {
      id: "netns",
      label,
      ok: false,
      detail: `The network namespace ${ns} (VPN_NETNS) is not usable (${firstLine(error)}): create it with "ip netns add ${ns}" or unset VPN_NETNS.`,
    };
  }
}

async function nftablesCheck(): Promise<PreflightCheck> {
  const label = "nftables usable";
  if (env().VPN_FIREWALL === "off")
    return { id: "nftables", label, ok: true, detail: "VPN_FIREWALL=off: you manage the isolation firewall yourself" };
  const ns = env().VPN_NETNS;
  try {
    await (ns
      ? run("ip", ["netns", "exec", ns, "nft", "list", "tables"], { timeoutMs: 10_000 })
      : run("nft", ["list", "tables"], { timeoutMs: 10_000 }));
    return { id: "nftables", label, ok: true, detail: "nft list tables works" };
  } catch (error) {
    return {
      id: "nftables",
      label,
      ok: false,
      detail: `nftables is not usable (${firstLine(error)}): the portal needs root or CAP_NET_ADMIN to write its firewall table; ${SETUP}, or set VPN_FIREWALL=off and isolate the VPN clients yourself.`,
    };
  }
}

/** true when OpenVPN answers "version" on its management socket. */
export async function serverAnswering(): Promise<{ ok: boolean; error: string | null }> {
  try {
    await managementCommand(paths.management(), "version", 3000);
    return { ok: true, error: null };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

async function serverCheck(): Promise<PreflightCheck> {
  const label = "OpenVPN server answering";
  const answer = await serverAnswering();
  if (answer.ok) return { id: "server", label, ok: true, detail: `answers on ${paths.management()}` };
  const how = env().VPN_RUN_OPENVPN
    ? "the portal runs it (VPN_RUN_OPENVPN=true): see logs/openvpn.log"
    : `start it: openvpn --config ${paths.conf()} (or its systemd unit), or set VPN_RUN_OPENVPN=true so the portal runs it`;
  return {
    id: "server",
    label,
    ok: false,
    detail: `The OpenVPN server does not answer on its management socket (${answer.error}): ${how}.`,
  };
}

/** What this machine must have before the VPN can be enabled (no server check: it starts once enabled). */
export async function systemChecks(): Promise<PreflightCheck[]> {
  const checks: PreflightCheck[] = [programCheck("openvpn", "openvpn"), programCheck("nft", "nftables"), tunCheck()];
  const ns = env().VPN_NETNS;
  if (ns) checks.push(await netnsCheck(ns));
  checks.push(await nftablesCheck());
  return checks;
}

// the admin page polls every few seconds: the machine's checks are remembered for a short while
let cached: { at: number; checks: PreflightCheck[] } | null = null;
const CACHE_MS = 10_000;

/** The whole checklist; `running` adds the management-socket check (the VPN is enabled, so the server should run). */
export async function vpnPreflight(options: { running: boolean; fresh?: boolean }): Promise<Preflight> {
  if (options.fresh || !cached || Date.now() - cached.at > CACHE_MS)
    cached = { at: Date.now(), checks: await systemChecks() };
  const checks = [...cached.checks];
  if (options.running) checks.push(await serverCheck());
  return { ok: checks.every((c) => c.ok), checks };
}

/** Refuses (409 VPN_PREFLIGHT_FAILED) with every failed check's sentence when this machine cannot run the VPN. */
export async function assertCanEnable(): Promise<void> {
  const { checks } = await vpnPreflight({ running: false, fresh: true });
  const failed = checks.filter((c) => !c.ok);
  if (!failed.length) return;
  throw new AppError(
    "VPN_PREFLIGHT_FAILED",
    `The VPN cannot be enabled on this machine. ${failed.map((c) => c.detail).join(" ")}`,
    {
      fields: { enabled: failed[0]?.detail ?? "" },
    },
  );
}

/** Refuses (409 VPN_NOT_RUNNING) when the OpenVPN server does not answer: a profile for it would not connect. */
export async function assertServerRunning(): Promise<void> {
  const answer = await serverAnswering();
  if (answer.ok) return;
  throw new AppError("VPN_NOT_RUNNING");
}
