// Isolation on the VPN server: an nftables table of its own, generated from the database and replaced in one
// transaction (nft -f), so a VPN client reaches only the machines its user may use and never another client.
// Rebuilt at start, on every change (machines, enrollment, certificates) through a debounce, and every minute.
import { env } from "@/env";
import { formatIp, parseIp, tunnelLayout } from "@/lib/ipv4";
import { db } from "@/server/db/client";
import { run } from "@/server/providers/exec";
import { reachableAddresses } from "./access";
import type { VpnSettings } from "./settings";

export const TABLE = "lab_portal_vpn";

export type FirewallInput = {
  device: string;
  serverAddress: string;
  /** [client tunnel address, machine address] */
  allowed: [string, string][];
};

/** The whole ruleset as one nft script: create-if-missing, delete, create — applied atomically by nft -f. */
export function nftScript(i: FirewallInput): string {
  const dev = JSON.stringify(i.device);
  for (const [a, b] of i.allowed)
    if (parseIp(a) === null || parseIp(b) === null) throw new Error(`Bad address pair ${a} ${b}`);
  if (parseIp(i.serverAddress) === null) throw new Error(`Bad server address ${i.serverAddress}`);
  const pairs = [...new Set(i.allowed.map(([a, b]) => `${a} . ${b}`))].sort();
  return [
    `table inet ${TABLE}`,
    `delete table inet ${TABLE}`,
    `table inet ${TABLE} {`,
    "  set allowed {",
    "    type ipv4_addr . ipv4_addr",
    ...(pairs.length ? [`    elements = { ${pairs.join(", ")} }`] : []),
    "  }",
    "  chain forward {",
    "    type filter hook forward priority filter - 10; policy accept;",
    `    iifname ${dev} oifname ${dev} counter drop comment "no traffic between VPN clients"`,
    `    iifname ${dev} ip saddr . ip daddr @allowed accept`,
    `    iifname ${dev} counter drop comment "only the machines this user may use"`,
    `    oifname ${dev} ct state established,related accept`,
    `    oifname ${dev} counter drop comment "machines do not open connections to VPN clients"`,
    "  }",
    "  chain input {",
    "    type filter hook input priority filter - 10; policy accept;",
    `    iifname ${dev} ct state established,related accept`,
    `    iifname ${dev} ip daddr ${i.serverAddress} icmp type echo-request accept`,
    `    iifname ${dev} counter drop comment "the VPN server itself is not a lab machine"`,
    "  }",
    "}",
    "",
  ].join("\n");
}

/** The firewall input from the database: every active certificate's address paired with its user's machines. */
export async function firewallInput(s: VpnSettings): Promise<FirewallInput> {
  const layout = tunnelLayout(s.network, s.pool);
  if (!layout.ok) throw new Error(layout.reason);
  const certs = await db().vpnCertificate.findMany({
    where: { status: "ACTIVE", address: { not: null }, expiresAt: { gt: new Date() }, user: { disabledAt: null } },
    select: { address: true, user: { select: { id: true, role: true } } },
  });
  const reach = await reachableAddresses([...new Map(certs.map((c) => [c.user.id, c.user])).values()]);
  const allowed: [string, string][] = [];
  for (const c of certs) for (const m of reach.get(c.user.id) ?? []) allowed.push([c.address as string, m]);
  return { device: env().VPN_DEVICE, serverAddress: formatIp(layout.server), allowed };
}

/** nft, in VPN_NETNS when set. */
export function nft(args: string[], input?: string) {
  const ns = env().VPN_NETNS;
  return ns
    ? run("ip", ["netns", "exec", ns, "nft", ...args], { input, timeoutMs: 15_000 })
    : run("nft", args, { input, timeoutMs: 15_000 });
}

export async function applyFirewall(s: VpnSettings): Promise<{ pairs: number; script: string }> {
  const input = await firewallInput(s);
  const script = nftScript(input);
  await nft(["-f", "-"], script);
  return { pairs: new Set(input.allowed.map((p) => p.join(" "))).size, script };
}
