// Class networks are isolated from the host: Docker `Internal` networks and libvirt networks without <forward>
// still give the host an address on their bridge, so a lab machine would reach the portal, sshd and every other
// host service through it. One nftables table owned by the portal, `inet lab_portal_isolation`, closes that:
// - input: nothing from a lab bridge reaches the host, except replies to connections the host opened (consoles,
//   published ports) and, on libvirt bridges, DHCP (udp 67) and DNS (53, to the bridge's own address: dnsmasq);
// - forward: nothing passes from one lab bridge to another (another class, the shared portal network).
// The table is generated as one script and applied atomically (`nft -f -`, argument arrays only), at start and
// whenever a portal network is created or removed. It is applied only on this machine: for a host reached over
// ssh/tcp the rules cannot be written from here, so its probe warns instead (see `isLocalHost`).
// The VPN's table (inet lab_portal_vpn) is separate and untouched.
import { existsSync } from "node:fs";
import Docker from "dockerode";
import { serialRebuild } from "@/server/jobs/serial-rebuild";
import { logger } from "@/server/log";
import { CommandError, run } from "./exec";
import type { HostTarget } from "./types";

export const ISOLATION_TABLE = "lab_portal_isolation";
/** Every portal libvirt network's bridge is named lpbr<hash> (libvirt/provider.ts bridgeFor). */
export const LIBVIRT_BRIDGE_PREFIX = "lpbr";

export type IsolationInput = {
  /** Bridges of the portal's Docker networks on this machine. */
  dockerBridges: string[];
  /** Bridges of the portal's libvirt networks on this machine, with their IPv4 addresses (dnsmasq listens there). */
  libvirtBridges: { name: string; addresses: string[] }[];
};

const IFNAME = /^[A-Za-z0-9_.-]{1,15}$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

/** The whole table as one nft script: create-if-missing, delete, create (one transaction with nft -f). */
export function isolationScript(input: IsolationInput): string {
  for (const b of [...input.dockerBridges, ...input.libvirtBridges.map((l) => l.name)])
    if (!IFNAME.test(b)) throw new Error(`Bad bridge name ${b}`);
  for (const l of input.libvirtBridges)
    for (const a of l.addresses) if (!IPV4.test(a)) throw new Error(`Bad bridge address ${a}`);
  const libvirt = [...new Map(input.libvirtBridges.map((l) => [l.name, l])).values()].sort((a, b) =>
    a.name.localeCompare(b.name),
  );
  const all = [...new Set([...input.dockerBridges, ...libvirt.map((l) => l.name)])].sort();
  const q = (name: string) => JSON.stringify(name);
  const elements = (names: string[]) => (names.length ? [`    elements = { ${names.map(q).join(", ")} }`] : []);
  return [
    `table inet ${ISOLATION_TABLE}`,
    `delete table inet ${ISOLATION_TABLE}`,
    `table inet ${ISOLATION_TABLE} {`,
    "  set lab_bridges {",
    "    type ifname",
    ...elements(all),
    "  }",
    "  set libvirt_bridges {",
    "    type ifname",
    ...elements(libvirt.map((l) => l.name)),
    "  }",
    "  chain input {",
    "    type filter hook input priority filter - 5; policy accept;",
    "    iifname != @lab_bridges accept",
    "    ct state established,related accept",
    '    iifname @libvirt_bridges udp dport 67 accept comment "DHCP from dnsmasq"',
    ...libvirt.flatMap((l) =>
      l.addresses.map(
        (a) =>
          `    iifname ${q(l.name)} ip daddr ${a} meta l4proto { tcp, udp } th dport 53 accept comment "DNS from dnsmasq"`,
      ),
    ),
    '    counter drop comment "lab machines do not reach the host"',
    "  }",
    "  chain forward {",
    "    type filter hook forward priority filter - 5; policy accept;",
    "    iifname != @lab_bridges accept",
    ...all.map(
      (b) =>
        `    iifname ${q(b)} oifname @lab_bridges oifname != ${q(b)} counter drop comment "no traffic between lab networks"`,
    ),
    "  }",
    "}",
    "",
  ].join("\n");
}

/** True when the host's machines run on this machine (so its bridges are ours to firewall). */
export function isLocalHost(host: Pick<HostTarget, "kind" | "uri">): boolean {
  const uri = host.uri.trim();
  if (host.kind === "DOCKER") return uri.startsWith("unix://");
  try {
    const url = new URL(uri);
    return (
      (url.hostname === "" || url.hostname === "localhost") && !/\+(ssh|libssh2?|tcp|tls|ext)\b/.test(url.protocol)
    );
  } catch {
    return false;
  }
}

export const REMOTE_WARNING =
  "Class network isolation rules are not applied on a remote host: add nftables rules there that drop traffic from the lab bridges to the host and between them (README, 'Security in short').";

/** The local Docker daemon's socket: its portal networks are firewalled by every portal process on this machine. */
export const LOCAL_DOCKER_SOCKET = "/var/run/docker.sock";

/** The Linux bridge of a Docker bridge network (its own name option, else br-<first 12 of the id>). */
export function bridgeOf(network: { Id: string; Options?: Record<string, string> | null }): string {
  return network.Options?.["com.docker.network.bridge.name"] || `br-${network.Id.slice(0, 12)}`;
}

/** The bridges of the portal's networks (label lab-portal.managed=true) on a Docker endpoint. */
export async function dockerLabBridges(docker: Docker): Promise<string[]> {
  const list = await docker.listNetworks({ filters: { label: ["lab-portal.managed=true"] } });
  return list.filter((n) => n.Driver === "bridge").map(bridgeOf);
}

type DockerSource = () => Promise<string[]>;
type State = { sources: Map<string, DockerSource>; lastError: string | null; apply: () => Promise<void> };
const globalForIsolation = globalThis as unknown as { __labIsolation?: State };
function state(): State {
  globalForIsolation.__labIsolation ??= {
    sources: new Map(),
    lastError: null,
    apply: serialRebuild(applyRecordingErrors),
  };
  return globalForIsolation.__labIsolation;
}

/** A local Docker endpoint tells where to list its portal networks' bridges (DockerProvider registers itself). */
export function registerDockerSource(key: string, source: DockerSource): void {
  state().sources.set(key, source);
}

/** The portal's libvirt bridges on this machine, with their IPv4 addresses (`ip -j addr show type bridge`). */
export async function localLibvirtBridges(): Promise<IsolationInput["libvirtBridges"]> {
  const { stdout } = await run("ip", ["-j", "-4", "addr", "show", "type", "bridge"], { timeoutMs: 15_000 });
  const links = JSON.parse(stdout || "[]") as { ifname?: string; addr_info?: { family?: string; local?: string }[] }[];
  return links
    .filter((l) => l.ifname?.startsWith(LIBVIRT_BRIDGE_PREFIX))
    .map((l) => ({
      name: l.ifname as string,
      addresses: (l.addr_info ?? []).filter((a) => a.family === "inet" && a.local).map((a) => a.local as string),
    }));
}

async function gather(): Promise<IsolationInput> {
  const dockerBridges = new Set<string>();
  // every process that rebuilds the table must list every local network, not only those of the hosts it has
  // met: the default socket always, plus the other local endpoints registered by their providers
  const sources = new Map(state().sources);
  if (existsSync(LOCAL_DOCKER_SOCKET) && !sources.has(`docker:unix://${LOCAL_DOCKER_SOCKET}`)) {
    sources.set(`docker:unix://${LOCAL_DOCKER_SOCKET}`, () =>
      dockerLabBridges(new Docker({ socketPath: LOCAL_DOCKER_SOCKET, timeout: 30_000 })),
    );
  }
  for (const [key, source] of sources) {
    try {
      for (const b of await source()) dockerBridges.add(b);
    } catch (error) {
      // a stopped daemon runs no containers; its networks come back into the table when it is reached again
      logger().warn(
        { err: error, endpoint: key.slice("docker:".length) },
        "[isolation] cannot list the Docker networks",
      );
    }
  }
  return { dockerBridges: [...dockerBridges], libvirtBridges: await localLibvirtBridges() };
}

async function applyNow(): Promise<{ bridges: number }> {
  const input = await gather();
  const script = isolationScript(input);
  try {
    await run("nft", ["-f", "-"], { input: script, timeoutMs: 15_000 });
  } catch (error) {
    const detail = error instanceof CommandError ? error.stderr.trim() || error.message : (error as Error).message;
    throw new Error(`The class network isolation rules could not be applied (nft): ${detail}`);
  }
  return { bridges: input.dockerBridges.length + input.libvirtBridges.length };
}

/** One rebuild; its failure is logged and kept for the hosts' probes instead of thrown. */
async function applyRecordingErrors(): Promise<void> {
  const s = state();
  try {
    await applyNow();
    s.lastError = null;
  } catch (error) {
    s.lastError = (error as Error).message;
    logger().error({ err: error }, "[isolation] could not apply the class network firewall");
  }
}

/**
 * Rebuilds the table from the bridges present now. Calls made while one runs share the next run, so a burst of
 * network changes costs at most two rebuilds, and every caller's change is in the table when its promise resolves.
 * Never throws: a failure is logged and kept for the hosts' probes (`isolationError`).
 */
export function applyIsolation(): Promise<void> {
  return state().apply();
}

/** The last failure to apply the rules (null when the last run succeeded or none ran yet). */
export function isolationError(): string | null {
  return state().lastError;
}
