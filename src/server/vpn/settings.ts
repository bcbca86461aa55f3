// VPN settings an admin changes at run time (stored as the "vpn" Setting, JSON), with env defaults from src/env.ts.
// The RD Gateway for .rdp files lives beside them (the "rdp" Setting).
import { z } from "zod";
import { env } from "@/env";
import { cidrSize, defaultPool, parseCidr, tunnelLayout } from "@/lib/ipv4";
import { db } from "@/server/db/client";

export const ZVpnSettings = z.object({
  enabled: z.boolean(),
  remoteHost: z
    .string()
    .trim()
    .max(253)
    .regex(/^[A-Za-z0-9.:-]*$/, { message: "Use a host name or an IP address." }),
  remotePort: z.number().int().min(1).max(65535),
  proto: z.enum(["udp", "tcp"]),
  network: z.string().trim(),
  pool: z.string().trim(),
  labNetworks: z.array(z.string().trim()).max(64),
  certDays: z.number().int().min(1).max(3650),
  renewDays: z.number().int().min(0).max(3650),
  crlDays: z.number().int().min(1).max(365),
  rdpGateway: z
    .string()
    .trim()
    .max(260)
    .regex(/^([A-Za-z0-9.-]+(:\d{1,5})?)?$/, { message: "Use host or host:port, or leave empty." }),
});
export type VpnSettings = z.infer<typeof ZVpnSettings>;

function envDefaults(): VpnSettings {
  const e = env();
  const publicHost = e.PUBLIC_URL ? new URL(e.PUBLIC_URL).hostname : "";
  return {
    enabled: e.VPN_ENABLED,
    remoteHost: e.VPN_REMOTE_HOST ?? publicHost,
    remotePort: e.VPN_REMOTE_PORT,
    proto: e.VPN_PROTO,
    network: e.VPN_NETWORK,
    pool: e.VPN_POOL ?? defaultPool(e.VPN_NETWORK),
    labNetworks: e.VPN_LAB_NETWORKS.split(",")
      .map((s) => s.trim())
      .filter(Boolean),
    certDays: e.VPN_CERT_DAYS,
    renewDays: e.VPN_RENEW_DAYS,
    crlDays: e.VPN_CRL_DAYS,
    rdpGateway: e.RDP_GATEWAY ?? "",
  };
}

/** Per-field reasons when the settings do not make a working VPN; empty when they do. */
export function settingsProblems(s: VpnSettings): Record<string, string> {
  const problems: Record<string, string> = {};
  const layout = tunnelLayout(s.network, s.pool);
  if (!layout.ok) problems[layout.field] = layout.reason;
  const tunnel = parseCidr(s.network);
  s.labNetworks.forEach((n, i) => {
    const c = parseCidr(n);
    if (!c) problems[`labNetworks.${i}`] = `"${n}" is not a network such as 10.20.0.0/16.`;
    else if (tunnel && c.base < tunnel.base + cidrSize(tunnel) && tunnel.base < c.base + cidrSize(c)) {
      problems[`labNetworks.${i}`] = `${c.text} overlaps the tunnel network ${tunnel.text}.`;
    }
  });
  if (s.enabled && !s.remoteHost) problems.remoteHost = "Enter the host name or address VPN clients connect to.";
  if (s.renewDays >= s.certDays) problems.renewDays = "Renewal must start before the certificate's lifetime is over.";
  return problems;
}

// the parsed settings of the last rows read: the rows are read every time (another instance may have changed
// them), the parse only when they changed
let parsedCache: { raw: string; value: VpnSettings } | null = null;

export async function getVpnSettings(): Promise<VpnSettings> {
  const rows = await db().setting.findMany({ where: { key: { in: ["vpn", "rdp"] } }, orderBy: { key: "asc" } });
  const raw = rows.map((r) => `${r.key}=${r.value}`).join("\n");
  if (parsedCache?.raw === raw) return structuredClone(parsedCache.value);
  const value = parseSettings(rows);
  parsedCache = { raw, value };
  return structuredClone(value);
}

function parseSettings(rows: { key: string; value: string }[]): VpnSettings {
  const defaults = envDefaults();
  let stored: Partial<VpnSettings> = {};
  for (const row of rows) {
    try {
      const value = JSON.parse(row.value) as Record<string, unknown>;
      if (row.key === "vpn") stored = { ...stored, ...value };
      if (row.key === "rdp" && typeof value.gateway === "string") stored.rdpGateway = value.gateway;
    } catch {
      // a hand-edited row that is not JSON: the defaults stand
    }
  }
  const merged = ZVpnSettings.safeParse({ ...defaults, ...stored });
  return merged.success ? merged.data : defaults;
}

export async function saveVpnSettings(s: VpnSettings): Promise<void> {
  const { rdpGateway, ...vpn } = s;
  await db().$transaction([
    db().setting.upsert({
      where: { key: "vpn" },
      create: { key: "vpn", value: JSON.stringify(vpn) },
      update: { value: JSON.stringify(vpn) },
    }),
    db().setting.upsert({
      where: { key: "rdp" },
      create: { key: "rdp", value: JSON.stringify({ gateway: rdpGateway }) },
      update: { value: JSON.stringify({ gateway: rdpGateway }) },
    }),
  ]);
}
