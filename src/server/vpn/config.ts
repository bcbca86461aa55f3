// Text builders for OpenVPN: server.conf, a client's .ovpn profile and a client's ccd file. Pure functions: the
// caller passes in everything (unit-tested field by field, and run by the real openvpn in the integration test).
import { formatIp, netmask, parseCidr, tunnelLayout } from "@/lib/ipv4";
import { SERVER_CN } from "./pki";

export type ServerConfInput = {
  network: string;
  pool: string;
  port: number;
  proto: "udp" | "tcp";
  device: string;
  /** absolute paths */
  ccdDir: string;
  crlFile: string;
  /** "/path/management.sock" (unix socket) or "127.0.0.1:7505" */
  management: string;
  pidFile: string;
  statusFile: string;
  caPem: string;
  certPem: string;
  keyPem: string;
  tlsCryptKey: string;
};

const inline = (tag: string, body: string) => `<${tag}>\n${body.trim()}\n</${tag}>`;

/** A quoted OpenVPN config argument (paths may hold spaces). */
function q(value: string): string {
  if (/["\\\n\r]/.test(value)) throw new Error(`Unsafe value in OpenVPN config: ${JSON.stringify(value)}`);
  return /\s/.test(value) ? `"${value}"` : value;
}

export function serverConf(i: ServerConfInput): string {
  const layout = tunnelLayout(i.network, i.pool);
  if (!layout.ok) throw new Error(layout.reason);
  const mask = netmask(layout.net.prefix);
  const mgmt = i.management.startsWith("/")
    ? `management ${q(i.management)} unix`
    : `management ${i.management.replace(/:(\d+)$/, " $1")}`;
  return [
    "# Written by Lab Portal from its settings and database. Changes here are overwritten.",
    "# Contains the server's private key: keep this folder readable by root only.",
    "mode server",
    "tls-server",
    `proto ${i.proto === "tcp" ? "tcp-server" : "udp"}`,
    `port ${i.port}`,
    `dev ${i.device}`,
    "dev-type tun",
    "topology subnet",
    `ifconfig ${formatIp(layout.server)} ${mask}`,
    // the dynamic range is only for clients without a static address; ccd-exclusive means there are none
    ...(layout.dynamic
      ? [`ifconfig-pool ${formatIp(layout.dynamic.start)} ${formatIp(layout.dynamic.end)} ${mask}`]
      : []),
    'push "topology subnet"',
    `push "route-gateway ${formatIp(layout.server)}"`,
    // every client needs its own file in ccd/ (its static address); a revoked client's file is removed
    `client-config-dir ${q(i.ccdDir)}`,
    "ccd-exclusive",
    `crl-verify ${q(i.crlFile)}`,
    mgmt,
    `writepid ${q(i.pidFile)}`,
    `status ${q(i.statusFile)} 10`,
    "status-version 3",
    // no "client-to-client": packets between clients go through the kernel, where the firewall drops them
    "keepalive 10 60",
    "persist-key",
    "persist-tun",
    "remote-cert-tls client",
    "tls-version-min 1.2",
    "dh none",
    "ecdh-curve prime256v1",
    "data-ciphers AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305",
    "verb 3",
    inline("ca", i.caPem),
    inline("cert", i.certPem),
    inline("key", i.keyPem),
    inline("tls-crypt", i.tlsCryptKey),
    "",
  ].join("\n");
}

/** The per-client file in ccd/: its static address. */
export function ccdFile(address: string, network: string): string {
  const net = parseCidr(network);
  if (!net) throw new Error(`Bad tunnel network ${network}`);
  return `# Lab Portal: static address of this certificate\nifconfig-push ${address} ${netmask(net.prefix)}\n`;
}

export type ProfileInput = {
  remoteHost: string;
  remotePort: number;
  proto: "udp" | "tcp";
  /** lab networks as CIDRs */
  routes: string[];
  caPem: string;
  certPem: string;
  keyPem: string;
  tlsCryptKey: string;
  /** shown in the header comment */
  label: string;
};

export function clientProfile(i: ProfileInput): string {
  const routes = i.routes.map((r) => {
    const c = parseCidr(r);
    if (!c) throw new Error(`Bad route ${r}`);
    return `route ${formatIp(c.base)} ${netmask(c.prefix)}`;
  });
  return [
    `# Lab Portal VPN profile for ${i.label.replace(/[\r\n]/g, " ")}`,
    "# Keep this file private: it holds your key. Revoke it on the portal's VPN page if it gets lost.",
    "client",
    "dev tun",
    `proto ${i.proto === "tcp" ? "tcp-client" : "udp"}`,
    `remote ${q(i.remoteHost)} ${i.remotePort}`,
    "nobind",
    "persist-key",
    "persist-tun",
    "remote-cert-tls server",
    `verify-x509-name ${SERVER_CN} name`,
    "tls-version-min 1.2",
    "data-ciphers AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305",
    "auth-nocache",
    "verb 3",
    ...routes,
    inline("ca", i.caPem),
    inline("cert", i.certPem),
    inline("key", i.keyPem),
    inline("tls-crypt", i.tlsCryptKey),
    "",
  ].join("\n");
}
