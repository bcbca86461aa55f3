// What decides whether an .rdp file's address is reachable from a user's computer: the lab VPN (on, and the
// networks it routes) and the RD Gateway from settings (src/lib/native-downloads.ts holds the rule).
import type { RdpReach } from "@/lib/native-downloads";
import { getVpnSettings } from "@/server/vpn/settings";

export async function rdpReach(): Promise<RdpReach> {
  const s = await getVpnSettings();
  return { vpnEnabled: s.enabled, labNetworks: s.labNetworks, gateway: s.rdpGateway };
}
