// Whether a desktop client (remote-viewer for .vv, Remote Desktop for .rdp) on the user's own computer can reach
// a machine, and the sentence saying why not. The same rule decides whether the download answers (409 with the
// sentence) and whether the page shows the button (client-safe: no server imports).

import { inCidr, parseCidr, parseIp } from "./ipv4";

export const VV_LOOPBACK_REFUSAL =
  "This host's consoles listen on 127.0.0.1 only; an admin can set a public console address in Admin → Hosts.";
export const RDP_UNREACHABLE_REFUSAL =
  "Remote Desktop cannot reach this machine from your computer: it needs the lab VPN (with the machine's network routed) or an RD Gateway; an admin can set either in Admin → VPN.";

export type NativeDownload = { available: boolean; reason: string | null };
export type NativeDownloads = { vv: NativeDownload | null; rdp: NativeDownload | null };

/** A loopback or unspecified address: only the host itself reaches it. */
export function isLocalOnly(address: string): boolean {
  const a = address.trim().toLowerCase();
  return (
    a === "" ||
    a === "localhost" ||
    a === "0.0.0.0" ||
    a === "::" ||
    a === "::1" ||
    /^127\./.test(a) ||
    /^::ffff:127\./.test(a)
  );
}

/** The address a .vv file names: the host's public console address, else its console address unless it is local only. */
export function vvAddress(host: { consoleAddress: string; publicConsoleAddress: string | null }): string | null {
  if (host.publicConsoleAddress?.trim()) return host.publicConsoleAddress.trim();
  return isLocalOnly(host.consoleAddress) ? null : host.consoleAddress;
}

/** Whether an IPv4 address lies in one of the networks (a.b.c.d/n). */
export function inNetworks(ip: string, networks: readonly string[]): boolean {
  const addr = parseIp(ip);
  if (addr === null) return false;
  return networks.some((n) => {
    const net = parseCidr(n);
    return net !== null && inCidr(addr, net);
  });
}

/** What the RDP rule needs from the settings: the lab VPN (on, and the networks it routes) and the RD Gateway. */
export type RdpReach = { vpnEnabled: boolean; labNetworks: readonly string[]; gateway: string };

/**
 * An .rdp file's address is the machine's own: reachable through an RD Gateway, or through the lab VPN when it
 * is on and routes the machine's network. Null when reachable, else the sentence.
 */
export function rdpRefusal(address: string, reach: RdpReach): string | null {
  if (reach.gateway.trim()) return null;
  if (reach.vpnEnabled && inNetworks(address, reach.labNetworks)) return null;
  return RDP_UNREACHABLE_REFUSAL;
}
