// Pure pieces of the VPN: address arithmetic, settings checks, server.conf / profile / ccd text, the nftables
// script, the management interface's status parser, CRL refresh policy and certificate state; and the PKI itself
// (made in a temporary folder, checked with the openssl command line).
import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const dir = mkdtempSync(join(tmpdir(), "vpn-unit-"));
process.env.DATA_DIR = join(dir, "data");
process.env.SECRETS_KEY = randomBytes(32).toString("hex");
process.env.AUTH_SECRET = randomBytes(32).toString("hex");
(globalThis as { __labEnv?: unknown }).__labEnv = undefined;

const ip = await import("../../src/lib/ipv4");
const { serverConf, clientProfile, ccdFile } = await import("../../src/server/vpn/config");
const { nftScript } = await import("../../src/server/vpn/firewall");
const { parseStatus } = await import("../../src/server/vpn/management");
const pki = await import("../../src/server/vpn/pki");
const { settingsProblems } = await import("../../src/server/vpn/settings");
const { certState, commonNameFor } = await import("../../src/server/vpn/certificates");

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("IPv4 helpers", () => {
  it("parses and formats addresses, networks and ranges", () => {
    expect(ip.parseIp("10.8.0.1")).toBe(0x0a080001);
    expect(ip.parseIp("10.8.0.256")).toBeNull();
    expect(ip.parseIp("10.8.0")).toBeNull();
    expect(ip.parseIp("010.8.0.1")).toBeNull();
    expect(ip.formatIp(0xfffffffe)).toBe("255.255.255.254");
    expect(ip.parseCidr("10.8.0.0/24")?.text).toBe("10.8.0.0/24");
    expect(ip.parseCidr("10.8.0.1/24")).toBeNull(); // host bits set
    expect(ip.parseCidr("10.8.0.0/33")).toBeNull();
    expect(ip.netmask(20)).toBe("255.255.240.0");
    expect(ip.parseRange("10.8.0.64-10.8.0.254")).toEqual({ start: 0x0a080040, end: 0x0a0800fe });
    expect(ip.parseRange("10.8.0.64-10.8.0.1")).toBeNull();
    expect(ip.ipv4List("fe80::1, 10.1.2.3/24,junk,192.168.1.9")).toEqual(["10.1.2.3", "192.168.1.9"]);
  });

  it("lays out the tunnel: server first, dynamic range before the static pool", () => {
    const l = ip.tunnelLayout("10.8.0.0/24", "10.8.0.64-10.8.0.254");
    expect(l.ok).toBe(true);
    if (!l.ok) return;
    expect(ip.formatIp(l.server)).toBe("10.8.0.1");
    expect(l.dynamic && ip.formatRange(l.dynamic)).toBe("10.8.0.2-10.8.0.63");
    expect(ip.tunnelLayout("10.8.0.0/24", "10.8.0.1-10.8.0.20")).toMatchObject({ ok: false, field: "pool" });
    expect(ip.tunnelLayout("10.8.0.0/24", "10.8.0.64-10.8.1.10")).toMatchObject({ ok: false, field: "pool" });
    expect(ip.tunnelLayout("10.8.0.0/30", "10.8.0.2-10.8.0.2")).toMatchObject({ ok: false, field: "network" });
    expect(ip.defaultPool("10.8.0.0/24")).toBe("10.8.0.64-10.8.0.254");
    expect(ip.defaultPool("10.20.0.0/16")).toBe("10.20.64.0-10.20.255.254");
  });
});

const base = {
  enabled: true,
  remoteHost: "vpn.lab.example",
  remotePort: 1194,
  proto: "udp" as const,
  network: "10.8.0.0/24",
  pool: "10.8.0.64-10.8.0.254",
  labNetworks: ["10.20.0.0/16"],
  certDays: 365,
  renewDays: 30,
  crlDays: 7,
  rdpGateway: "",
};

describe("settings checks", () => {
  it("accepts a working configuration and names each problem's field", () => {
    expect(settingsProblems(base)).toEqual({});
    expect(settingsProblems({ ...base, pool: "10.8.0.0-10.8.0.10" })).toHaveProperty("pool");
    expect(settingsProblems({ ...base, labNetworks: ["10.8.0.0/16"] })).toHaveProperty("labNetworks.0");
    expect(settingsProblems({ ...base, labNetworks: ["nope"] })).toHaveProperty("labNetworks.0");
    expect(settingsProblems({ ...base, remoteHost: "" })).toHaveProperty("remoteHost");
    expect(settingsProblems({ ...base, enabled: false, remoteHost: "" })).toEqual({});
    expect(settingsProblems({ ...base, renewDays: 400 })).toHaveProperty("renewDays");
  });
});

describe("OpenVPN text", () => {
  const pem = (label: string) => `-----BEGIN ${label}-----\nAAAA\n-----END ${label}-----\n`;
  it("server.conf: topology, static-address machinery, CRL, management and inline material", () => {
    const text = serverConf({
      network: "10.8.0.0/24",
      pool: "10.8.0.64-10.8.0.254",
      port: 1194,
      proto: "udp",
      device: "lpvpn0",
      ccdDir: "/srv/vpn/ccd",
      crlFile: "/srv/vpn/crl.pem",
      management: "/srv/vpn/management.sock",
      pidFile: "/srv/vpn/openvpn.pid",
      statusFile: "/srv/vpn/status.log",
      caPem: pem("CERTIFICATE"),
      certPem: pem("CERTIFICATE"),
      keyPem: pem("PRIVATE KEY"),
      tlsCryptKey: pem("OpenVPN Static key V1"),
    });
    const lines = text.split("\n");
    for (const l of [
      "mode server",
      "proto udp",
      "dev lpvpn0",
      "topology subnet",
      "ifconfig 10.8.0.1 255.255.255.0",
      "ifconfig-pool 10.8.0.2 10.8.0.63 255.255.255.0",
      "client-config-dir /srv/vpn/ccd",
      "ccd-exclusive",
      "crl-verify /srv/vpn/crl.pem",
      "management /srv/vpn/management.sock unix",
      "remote-cert-tls client",
      "<tls-crypt>",
    ]) {
      expect(lines).toContain(l);
    }
    expect(text).not.toMatch(/client-to-client/);
    const tcp = serverConf({
      ...{
        network: "10.8.0.0/24",
        pool: "10.8.0.2-10.8.0.254",
        port: 443,
        proto: "tcp",
        device: "tun9",
        ccdDir: "/a b/ccd",
        crlFile: "/c",
        management: "127.0.0.1:7505",
        pidFile: "/p",
        statusFile: "/s",
      },
      caPem: "",
      certPem: "",
      keyPem: "",
      tlsCryptKey: "",
    });
    expect(tcp).toContain("proto tcp-server");
    expect(tcp).toContain('client-config-dir "/a b/ccd"');
    expect(tcp).toContain("management 127.0.0.1 7505");
    expect(tcp).not.toContain("ifconfig-pool");
    expect(() =>
      serverConf({
        ...{
          network: "10.8.0.0/24",
          pool: "10.8.0.2-10.8.0.254",
          port: 443,
          proto: "tcp",
          device: "tun9",
          ccdDir: '/x"\nup /bin/sh',
          crlFile: "/c",
          management: "/m",
          pidFile: "/p",
          statusFile: "/s",
        },
        caPem: "",
        certPem: "",
        keyPem: "",
        tlsCryptKey: "",
      }),
    ).toThrow();
  });

  it("client profile: remote, routes, server name check and inline material", () => {
    const text = clientProfile({
      remoteHost: "vpn.lab.example",
      remotePort: 1194,
      proto: "udp",
      routes: ["10.20.0.0/16", "192.168.5.0/24"],
      caPem: pem("CERTIFICATE"),
      certPem: pem("CERTIFICATE"),
      keyPem: pem("PRIVATE KEY"),
      tlsCryptKey: pem("OpenVPN Static key V1"),
      label: "a@b\nc",
    });
    const lines = text.split("\n");
    for (const l of [
      "client",
      "dev tun",
      "proto udp",
      "remote vpn.lab.example 1194",
      "remote-cert-tls server",
      "verify-x509-name lab-portal-vpn-server name",
      "route 10.20.0.0 255.255.0.0",
      "route 192.168.5.0 255.255.255.0",
      "<ca>",
      "</ca>",
      "<cert>",
      "<key>",
      "<tls-crypt>",
      "</tls-crypt>",
    ]) {
      expect(lines).toContain(l);
    }
    expect(lines[0]).toBe("# Lab Portal VPN profile for a@b c");
    expect(ccdFile("10.8.0.70", "10.8.0.0/24")).toContain("ifconfig-push 10.8.0.70 255.255.255.0");
  });
});

describe("firewall script", () => {
  it("replaces its own table atomically, drops client-to-client and allows only listed pairs", () => {
    const s = nftScript({
      device: "lpvpn0",
      serverAddress: "10.8.0.1",
      allowed: [
        ["10.8.0.64", "10.20.0.5"],
        ["10.8.0.64", "10.20.0.5"],
        ["10.8.0.65", "10.20.0.6"],
      ],
    });
    const lines = s.split("\n");
    expect(lines.slice(0, 3)).toEqual([
      "table inet lab_portal_vpn",
      "delete table inet lab_portal_vpn",
      "table inet lab_portal_vpn {",
    ]);
    expect(s).toContain("elements = { 10.8.0.64 . 10.20.0.5, 10.8.0.65 . 10.20.0.6 }");
    expect(s).toMatch(/iifname "lpvpn0" oifname "lpvpn0" counter drop/);
    expect(s.indexOf('counter drop comment "only the machines')).toBeGreaterThan(s.indexOf("@allowed accept"));
    const empty = nftScript({ device: "lpvpn0", serverAddress: "10.8.0.1", allowed: [] });
    expect(empty).not.toContain("elements");
    expect(() =>
      nftScript({ device: "lpvpn0", serverAddress: "10.8.0.1", allowed: [["10.8.0.64", "1.2.3.4; flush ruleset"]] }),
    ).toThrow();
  });
});

describe("management status", () => {
  it("reads clients from status 3 output by the header's column names", () => {
    const lines = [
      "TITLE\tOpenVPN 2.6.3",
      "HEADER\tCLIENT_LIST\tCommon Name\tReal Address\tVirtual Address\tVirtual IPv6 Address\tBytes Received\tBytes Sent\tConnected Since\tConnected Since (time_t)\tUsername\tClient ID\tPeer ID\tData Channel Cipher",
      "CLIENT_LIST\tlp-u1-abcd1234\t10.250.1.2:40000\t10.8.0.64\t\t1234\t5678\t2026-01-01 10:00:00\t1767261600\tUNDEF\t3\t0\tAES-256-GCM",
      "ROUTING_TABLE\t10.8.0.64\tlp-u1-abcd1234\t10.250.1.2:40000\t2026-01-01 10:00:00\t1767261600",
    ];
    expect(parseStatus(lines)).toEqual([
      {
        commonName: "lp-u1-abcd1234",
        realAddress: "10.250.1.2:40000",
        virtualAddress: "10.8.0.64",
        bytesReceived: 1234,
        bytesSent: 5678,
        connectedSince: "2026-01-01T10:00:00.000Z",
        clientId: "3",
      },
    ]);
  });
});

describe("certificate state and CRL refresh", () => {
  it("shows renewal before expiry and refreshes the CRL at half its lifetime", () => {
    const now = new Date("2026-06-01T00:00:00Z");
    const in10 = new Date(now.getTime() + 10 * 86_400_000);
    expect(certState({ status: "ACTIVE", expiresAt: in10 }, 30, now)).toMatchObject({
      expired: false,
      renewalDue: true,
    });
    expect(certState({ status: "ACTIVE", expiresAt: in10 }, 5, now)).toMatchObject({
      expired: false,
      renewalDue: false,
    });
    expect(certState({ status: "ACTIVE", expiresAt: new Date(now.getTime() - 1) }, 5, now)).toMatchObject({
      expired: true,
      renewalDue: false,
    });
    expect(pki.crlNeedsRefresh(null, now, 7)).toBe(true);
    expect(pki.crlNeedsRefresh(new Date(now.getTime() + 5 * 86_400_000), now, 7)).toBe(false);
    expect(pki.crlNeedsRefresh(new Date(now.getTime() + 3 * 86_400_000), now, 7)).toBe(true);
    expect(commonNameFor("cmx1abc", "DEADBEEF0011")).toBe("lp-cmx1abc-deadbeef");
  });
});

describe("PKI (checked with openssl)", () => {
  let client: Awaited<ReturnType<typeof pki.issueClientCert>>;
  beforeAll(async () => {
    client = await pki.issueClientCert("lp-unit-test", 30);
  });

  it("keeps the CA, server key and tls-crypt key sealed at rest", () => {
    const vpnDir = join(dir, "data", "vpn");
    for (const f of ["ca.key.sealed", "server.key.sealed", "tls-crypt.key.sealed"]) {
      const text = readFileSync(join(vpnDir, f), "utf8");
      expect(text.startsWith("v1.")).toBe(true);
      expect(text).not.toMatch(/PRIVATE KEY|Static key/);
    }
  });

  it("issues EC P-256 client certificates the CA verifies, with clientAuth, and a CRL that revokes them", async () => {
    const p = await pki.pki();
    writeFileSync(join(dir, "ca.crt"), p.caPem);
    writeFileSync(join(dir, "client.crt"), client.certPem);
    writeFileSync(join(dir, "server.crt"), p.serverCertPem);
    const verify = (...extra: string[]) =>
      execFileSync("openssl", ["verify", "-CAfile", join(dir, "ca.crt"), ...extra], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
      });
    expect(verify(join(dir, "client.crt"), join(dir, "server.crt"))).toMatch(/client\.crt: OK[\s\S]*server\.crt: OK/);
    const text = execFileSync("openssl", ["x509", "-in", join(dir, "client.crt"), "-noout", "-text"], {
      encoding: "utf8",
    });
    expect(text).toMatch(/ASN1 OID: prime256v1/);
    expect(text).toMatch(/TLS Web Client Authentication/);
    expect(text).toMatch(/Subject: CN ?= ?lp-unit-test/);
    expect(client.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    // the subject key identifier is SHA-1 of the public key bits (RFC 5280 method 1), as OpenSSL computes it
    const pub = execFileSync("openssl", ["x509", "-in", join(dir, "client.crt"), "-noout", "-pubkey"], {
      encoding: "utf8",
    });
    const der = execFileSync("openssl", ["pkey", "-pubin", "-outform", "DER"], { input: pub });
    const expected = createHash("sha1")
      .update(der.subarray(der.length - 65))
      .digest("hex")
      .toUpperCase()
      .match(/../g)
      ?.join(":");
    expect(text).toContain(`X509v3 Subject Key Identifier: \n                ${expected}`);
    // the key in the profile belongs to the certificate
    writeFileSync(join(dir, "client.key"), client.keyPem);
    const fromKey = execFileSync("openssl", ["pkey", "-in", join(dir, "client.key"), "-pubout"], { encoding: "utf8" });
    expect(fromKey).toBe(pub);
    const crl = await pki.buildCrl([{ serial: client.serial, revokedAt: new Date(), reason: "superseded" }], 7);
    writeFileSync(join(dir, "crl.pem"), crl.pem);
    expect(() => verify("-crl_check", "-CRLfile", join(dir, "crl.pem"), join(dir, "client.crt"))).toThrow(
      /certificate revoked/,
    );
    expect(verify("-crl_check", "-CRLfile", join(dir, "crl.pem"), join(dir, "server.crt"))).toMatch(/OK/);
    expect(pki.crlNextUpdate(crl.pem)?.getTime()).toBeGreaterThan(Date.now() + 6.9 * 86_400_000);
    const tls = p.tlsCryptKey.split("\n").filter((l) => /^[0-9a-f]{32}$/.test(l));
    expect(tls).toHaveLength(16);
  });
});
