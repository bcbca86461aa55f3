// The OpenVPN server's folder (VPN_DIR, default DATA_DIR/vpn/server): server.conf, ccd/ with one file per active
// certificate (its static address), crl.pem, and the management socket, pid and status files OpenVPN writes.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { env } from "@/env";
import { db } from "@/server/db/client";
import { ccdFile, serverConf } from "./config";
import { buildCrl, type CrlEntry, crlNeedsRefresh, crlNextUpdate, pki, writeAtomic } from "./pki";
import type { VpnSettings } from "./settings";

export function serverDir(): string {
  return resolve(env().VPN_DIR ?? join(env().DATA_DIR, "vpn", "server"));
}

export const paths = {
  conf: () => join(serverDir(), "server.conf"),
  ccd: () => join(serverDir(), "ccd"),
  crl: () => join(serverDir(), "crl.pem"),
  management: () => join(serverDir(), "management.sock"),
  pid: () => join(serverDir(), "openvpn.pid"),
  status: () => join(serverDir(), "status.log"),
};

function ensureDirs(): void {
  mkdirSync(serverDir(), { recursive: true, mode: 0o700 });
  mkdirSync(paths.ccd(), { recursive: true, mode: 0o700 });
}

export async function writeServerConf(s: VpnSettings): Promise<string> {
  ensureDirs();
  const p = await pki();
  const text = serverConf({
    network: s.network,
    pool: s.pool,
    port: s.remotePort,
    proto: s.proto,
    device: env().VPN_DEVICE,
    ccdDir: paths.ccd(),
    crlFile: paths.crl(),
    management: paths.management(),
    pidFile: paths.pid(),
    statusFile: paths.status(),
    caPem: p.caPem,
    certPem: p.serverCertPem,
    keyPem: p.serverKeyPem,
    tlsCryptKey: p.tlsCryptKey,
  });
  const file = paths.conf();
  const before = existsSync(file) ? readFileSync(file, "utf8") : null;
  if (before !== text) writeAtomic(file, text);
  return file;
}

const safeCn = (cn: string) => {
  if (!/^[\w.-]+$/.test(cn)) throw new Error(`Bad common name ${cn}`);
  return cn;
};

export function writeCcd(commonName: string, address: string, network: string): void {
  ensureDirs();
  writeAtomic(join(paths.ccd(), safeCn(commonName)), ccdFile(address, network), 0o644);
}

export function removeCcd(commonName: string): void {
  rmSync(join(paths.ccd(), safeCn(commonName)), { force: true });
}

/** ccd/ holds exactly the active certificates' files, with their current addresses. */
export async function syncCcd(network: string): Promise<{ written: number; removed: number }> {
  ensureDirs();
  const active = await db().vpnCertificate.findMany({
    where: { status: "ACTIVE", address: { not: null } },
    select: { commonName: true, address: true },
  });
  const keep = new Set<string>();
  let written = 0;
  for (const c of active) {
    keep.add(c.commonName);
    const file = join(paths.ccd(), safeCn(c.commonName));
    const text = ccdFile(c.address as string, network);
    if (!existsSync(file) || readFileSync(file, "utf8") !== text) {
      writeAtomic(file, text, 0o644);
      written++;
    }
  }
  let removed = 0;
  for (const name of readdirSync(paths.ccd())) {
    if (keep.has(name) || name.endsWith(".tmp")) continue;
    rmSync(join(paths.ccd(), name), { force: true });
    removed++;
  }
  return { written, removed };
}

const REASONS: Record<string, CrlEntry["reason"]> = {
  superseded: "superseded",
  expired: "cessationOfOperation",
  "revoked by user": "cessationOfOperation",
  "user disabled": "cessationOfOperation",
};

/** Writes a fresh CRL with every revoked certificate that has not expired yet. */
export async function regenerateCrl(crlDays: number): Promise<{ nextUpdate: Date; entries: number }> {
  ensureDirs();
  const revoked = await db().vpnCertificate.findMany({
    where: { status: "REVOKED", expiresAt: { gt: new Date(Date.now() - 86_400_000) } },
    select: { serial: true, revokedAt: true, revokeReason: true },
    orderBy: { revokedAt: "asc" },
  });
  const crl = await buildCrl(
    revoked.map((r) => ({
      serial: r.serial,
      revokedAt: r.revokedAt ?? new Date(),
      reason: REASONS[r.revokeReason ?? ""] ?? "unspecified",
    })),
    crlDays,
  );
  writeAtomic(paths.crl(), crl.pem, 0o644);
  return { nextUpdate: crl.nextUpdate, entries: revoked.length };
}

export function currentCrlNextUpdate(): Date | null {
  try {
    return crlNextUpdate(readFileSync(paths.crl(), "utf8"));
  } catch {
    return null;
  }
}

/** Regenerates the CRL when it is missing or past half of its lifetime; returns true when it did. */
export async function refreshCrlIfDue(crlDays: number, now = new Date()): Promise<boolean> {
  if (!crlNeedsRefresh(currentCrlNextUpdate(), now, crlDays)) return false;
  await regenerateCrl(crlDays);
  return true;
}
