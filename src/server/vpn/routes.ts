// Route contracts of the VPN: a user's own certificate and profile, and the admin's view (connected clients,
// certificates, settings, firewall).
import { z } from "zod";
import { defineRoute } from "@/server/http/route-spec";
import { emptyAsUndefined, ZId } from "@/server/http/zod-fragments";
import { ZVpnSettings } from "./settings";

export const ZCertView = z.object({
  id: z.string(),
  serial: z.string(),
  commonName: z.string(),
  status: z.enum(["ACTIVE", "REVOKED"]),
  address: z.string().nullable(),
  issuedAt: z.string(),
  expiresAt: z.string(),
  expired: z.boolean(),
  renewFrom: z.string(),
  renewalDue: z.boolean(),
  revokedAt: z.string().nullable(),
  revokeReason: z.string().nullable(),
});
export type TCertView = z.infer<typeof ZCertView>;

export const ZMyVpn = z.object({
  enabled: z.boolean(),
  remote: z.object({ host: z.string(), port: z.number(), proto: z.enum(["udp", "tcp"]) }),
  certificate: ZCertView.nullable(),
  routes: z.array(z.string()),
  history: z.array(ZCertView),
});
export type TMyVpn = z.infer<typeof ZMyVpn>;

export const ZAdminCertRow = ZCertView.extend({
  user: z.object({ id: z.string(), email: z.string(), name: z.string(), role: z.string() }),
  connected: z.boolean(),
});
export type TAdminCertRow = z.infer<typeof ZAdminCertRow>;

export const ZConnectedClient = z.object({
  commonName: z.string(),
  realAddress: z.string(),
  virtualAddress: z.string(),
  bytesReceived: z.number(),
  bytesSent: z.number(),
  connectedSince: z.string(),
  user: z.object({ id: z.string(), email: z.string() }).nullable(),
});

export const ZVpnOverview = z.object({
  enabled: z.boolean(),
  problems: z.record(z.string(), z.string()),
  preflight: z.object({
    ok: z.boolean(),
    checks: z.array(
      z.object({
        id: z.enum(["openvpn", "nft", "tun", "netns", "nftables", "server"]),
        label: z.string(),
        ok: z.boolean(),
        detail: z.string(),
      }),
    ),
  }),
  server: z.object({
    configFile: z.string(),
    managedByPortal: z.boolean(),
    reachable: z.boolean(),
    error: z.string().nullable(),
  }),
  clients: z.array(ZConnectedClient),
  crl: z.object({ nextUpdate: z.string().nullable() }),
  firewall: z.object({
    mode: z.enum(["nftables", "off"]),
    at: z.string().nullable(),
    pairs: z.number(),
    error: z.string().nullable(),
  }),
  counts: z.object({ active: z.number(), revoked: z.number(), poolSize: z.number() }),
});

export const ZCertQuery = z.object({
  status: z.preprocess(emptyAsUndefined, z.enum(["ACTIVE", "REVOKED"]).optional()),
  q: z.preprocess(emptyAsUndefined, z.string().max(200).optional()),
});

const ZRevokeBody = z.object({ reason: z.preprocess(emptyAsUndefined, z.string().trim().max(200).optional()) });

export const vpnRoutes = {
  mine: defineRoute({
    method: "GET",
    path: "/api/vpn",
    summary: "My VPN: whether it is on, my certificate (address, expiry, renewal), routes",
    tag: "VPN",
    access: "any",
    response: ZMyVpn,
  }),
  create: defineRoute({
    method: "POST",
    path: "/api/vpn/certificate",
    summary: "Create my VPN certificate (returns the existing one when I have one)",
    tag: "VPN",
    access: "any",
    response: ZMyVpn,
  }),
  revokeMine: defineRoute({
    method: "DELETE",
    path: "/api/vpn/certificate",
    summary: "Revoke my VPN certificate: it stops working at once and its address is released",
    tag: "VPN",
    access: "any",
    response: ZMyVpn,
  }),
  rotateMine: defineRoute({
    method: "POST",
    path: "/api/vpn/certificate/rotate",
    summary: "Renew my VPN certificate: a new one with the same address; the old one is revoked",
    tag: "VPN",
    access: "any",
    response: ZMyVpn,
  }),
  profile: defineRoute({
    method: "GET",
    path: "/api/vpn/profile",
    summary:
      "My .ovpn profile (inline CA, certificate, key and tls-crypt key; routes to the lab networks I may reach); 409 VPN_NOT_RUNNING while the VPN server does not answer",
    tag: "VPN",
    access: "any",
    produces: "application/x-openvpn-profile",
  }),
  overview: defineRoute({
    method: "GET",
    path: "/api/admin/vpn",
    summary: "VPN server: connected clients (management interface), CRL, firewall, counts",
    tag: "VPN",
    access: ["ADMIN"],
    response: ZVpnOverview,
  }),
  certificates: defineRoute({
    method: "GET",
    path: "/api/admin/vpn/certificates",
    summary: "VPN certificates with status, address and expiry",
    tag: "VPN",
    access: ["ADMIN"],
    query: ZCertQuery,
    response: z.object({ items: z.array(ZAdminCertRow) }),
  }),
  revoke: defineRoute({
    method: "POST",
    path: "/api/admin/vpn/certificates/{id}/revoke",
    summary: "Revoke a certificate: CRL regenerated, live session killed",
    tag: "VPN",
    access: ["ADMIN"],
    params: ZId,
    body: ZRevokeBody,
    response: z.object({ killed: z.boolean() }),
  }),
  rotate: defineRoute({
    method: "POST",
    path: "/api/admin/vpn/certificates/{id}/rotate",
    summary: "Rotate a certificate: a new one with the same address, the old one revoked",
    tag: "VPN",
    access: ["ADMIN"],
    params: ZId,
    response: ZCertView,
  }),
  settings: defineRoute({
    method: "GET",
    path: "/api/admin/vpn/settings",
    summary: "VPN and RD Gateway settings",
    tag: "VPN",
    access: ["ADMIN"],
    response: ZVpnSettings,
  }),
  saveSettings: defineRoute({
    method: "PUT",
    path: "/api/admin/vpn/settings",
    summary:
      "Change VPN and RD Gateway settings (server.conf is rewritten); enabling runs the preflight and is refused (409 VPN_PREFLIGHT_FAILED) with the fix when this machine cannot run the VPN",
    tag: "VPN",
    access: ["ADMIN"],
    body: ZVpnSettings,
    response: ZVpnSettings,
  }),
  firewall: defineRoute({
    method: "POST",
    path: "/api/admin/vpn/firewall",
    summary: "Rebuild the VPN isolation firewall from the database now",
    tag: "VPN",
    access: ["ADMIN"],
    response: z.object({ at: z.string().nullable(), pairs: z.number(), error: z.string().nullable() }),
  }),
};
