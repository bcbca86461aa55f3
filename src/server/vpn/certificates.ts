// VPN certificates: issue (one active per user, with a static address from the pool), rotate (new certificate,
// same address, old one revoked), revoke (CRL regenerated, ccd file removed, live session killed), list, and the
// .ovpn profile. Every change is audited and published ("vpn.certificate"), which rebuilds the firewall.
import type { VpnCertificate } from "@/generated/sqlite/client";
import { formatIp, inCidr, parseCidr, parseIp, tunnelLayout } from "@/lib/ipv4";
import { recordAudit } from "@/server/audit/record";
import type { Actor } from "@/server/auth/actor";
import { withClusterLock } from "@/server/cluster/lock";
import { seal, unseal } from "@/server/crypto/seal";
import { db } from "@/server/db/client";
import { isUniqueViolation } from "@/server/db/errors";
import { publish } from "@/server/events/bus";
import { AppError, notFound } from "@/server/http/app-error";
import { logger } from "@/server/log";
import { reachableAddresses } from "./access";
import { clientProfile } from "./config";
import { killClient } from "./management";
import { issueClientCert, newSerial, pki } from "./pki";
import { paths, regenerateCrl, removeCcd, writeCcd } from "./server-files";
import { getVpnSettings, type VpnSettings } from "./settings";

const DAY = 86_400_000;
export type Who = Pick<Actor, "id" | "email" | "role">;
type Audit = { actor: Pick<Actor, "id" | "email">; ip: string | null };

export async function enabledSettings(): Promise<VpnSettings> {
  const s = await getVpnSettings();
  if (!s.enabled)
    throw new AppError("FEATURE_OFF", "The lab VPN is turned off; an admin can turn it on in Admin → VPN.");
  return s;
}

export function commonNameFor(userId: string, serial: string): string {
  return `lp-${userId.replace(/[^\w]/g, "").slice(0, 40)}-${serial.slice(0, 8).toLowerCase()}`;
}

export function certState(c: Pick<VpnCertificate, "status" | "expiresAt">, renewDays: number, now = new Date()) {
  const expired = c.expiresAt.getTime() <= now.getTime();
  const renewFrom = new Date(c.expiresAt.getTime() - renewDays * DAY);
  return { expired, renewFrom, renewalDue: c.status === "ACTIVE" && !expired && now.getTime() >= renewFrom.getTime() };
}

/** The lowest free address of the pool, skipping the ones in use (and ones that just lost a race). */
async function freeAddress(s: VpnSettings, skip: Set<number>): Promise<string> {
  const layout = tunnelLayout(s.network, s.pool);
  if (!layout.ok) throw new AppError("UNAVAILABLE", `The VPN address pool is misconfigured: ${layout.reason}`);
  const used = await db().vpnCertificate.findMany({ where: { address: { not: null } }, select: { address: true } });
  const taken = new Set(used.map((u) => parseIp(u.address ?? "") ?? -1));
  for (let ip = layout.pool.start; ip <= layout.pool.end; ip++)
    if (!taken.has(ip) && !skip.has(ip)) return formatIp(ip);
  throw new AppError(
    "CONFLICT",
    "The VPN address pool is full: every static address is taken. An administrator can enlarge the pool or revoke unused certificates.",
  );
}

function changed(userId: string, status: string): void {
  publish({ type: "vpn.certificate", audience: { userIds: [userId], roles: ["ADMIN"] }, data: { userId, status } });
}

/** Kills the live session of a certificate through the management interface; a server that is not running is fine. */
async function killSession(commonName: string): Promise<number> {
  try {
    return await killClient(paths.management(), commonName);
  } catch (error) {
    logger().warn({ err: error, commonName }, "[vpn] could not end the VPN session");
    return 0;
  }
}

/**
 * Makes a certificate and its row. The address is the one given (rotation keeps it) or the lowest free one; a
 * concurrent issue that took the same address loses on the unique index and tries the next one.
 */
async function createCert(
  userId: string,
  s: VpnSettings,
  keepAddress: string | null,
  replacing: VpnCertificate | null,
): Promise<VpnCertificate> {
  const skip = new Set<number>();
  for (let attempt = 0; attempt < 50; attempt++) {
    const address = keepAddress ?? (await freeAddress(s, skip));
    const serial = newSerial();
    const commonName = commonNameFor(userId, serial);
    const cert = await issueClientCert(commonName, s.certDays, serial);
    try {
      return await db().$transaction(async (tx) => {
        if (replacing) {
          const gone = await tx.vpnCertificate.updateMany({
            where: { id: replacing.id, status: "ACTIVE" },
            data: { status: "REVOKED", address: null, revokedAt: new Date(), revokeReason: "superseded" },
          });
          if (gone.count !== 1) throw new AppError("CONFLICT", "This certificate was revoked or rotated meanwhile.");
        }
        return tx.vpnCertificate.create({
          data: {
            userId,
            serial,
            commonName,
            certPem: cert.certPem,
            keySealed: seal(cert.keyPem),
            status: "ACTIVE",
            address,
            expiresAt: cert.notAfter,
          },
        });
      });
    } catch (error) {
      if (!isUniqueViolation(error) || keepAddress) throw error;
      const n = parseIp(address);
      if (n !== null) skip.add(n);
    }
  }
  throw new AppError("CONFLICT", "Could not reserve a VPN address; please try again.");
}

export async function activeCertOf(userId: string): Promise<VpnCertificate | null> {
  return db().vpnCertificate.findFirst({ where: { userId, status: "ACTIVE" }, orderBy: { issuedAt: "desc" } });
}

/** The user's active certificate, made now if there is none (idempotent). */
export async function ensureCertificate(user: Who, audit: Audit): Promise<{ cert: VpnCertificate; created: boolean }> {
  const s = await enabledSettings();
  return withClusterLock(`vpn-user:${user.id}`, async () => {
    const existing = await activeCertOf(user.id);
    if (existing && existing.expiresAt.getTime() > Date.now()) return { cert: existing, created: false };
    if (existing) await revokeRow(existing, "expired", s);
    const cert = await createCert(user.id, s, null, null);
    writeCcd(cert.commonName, cert.address as string, s.network);
    await recordAudit({
      actor: audit.actor,
      action: "vpn.issue",
      target: { type: "user", id: user.id, name: user.email },
      ip: audit.ip,
      details: { serial: cert.serial, address: cert.address, expiresAt: cert.expiresAt.toISOString() },
    });
    changed(user.id, "ACTIVE");
    return { cert, created: true };
  });
}

async function revokeRow(c: VpnCertificate, reason: string, s: VpnSettings): Promise<boolean> {
  const res = await db().vpnCertificate.updateMany({
    where: { id: c.id, status: "ACTIVE" },
    data: { status: "REVOKED", address: null, revokedAt: new Date(), revokeReason: reason },
  });
  if (res.count !== 1) return false;
  removeCcd(c.commonName);
  await regenerateCrl(s.crlDays);
  await killSession(c.commonName);
  return true;
}

/** Revokes one certificate: CRL first, then its ccd file, then its live session; the address is free again. */
export async function revokeCertificate(certId: string, reason: string, audit: Audit): Promise<{ killed: boolean }> {
  const s = await getVpnSettings();
  const c = await db().vpnCertificate.findUnique({
    where: { id: certId },
    include: { user: { select: { email: true } } },
  });
  if (!c) throw notFound("This certificate");
  if (c.status !== "ACTIVE") throw new AppError("CONFLICT", "This certificate is already revoked.");
  return withClusterLock(`vpn-user:${c.userId}`, async () => {
    const res = await db().vpnCertificate.updateMany({
      where: { id: c.id, status: "ACTIVE" },
      data: { status: "REVOKED", address: null, revokedAt: new Date(), revokeReason: reason },
    });
    if (res.count !== 1) throw new AppError("CONFLICT", "This certificate is already revoked.");
    removeCcd(c.commonName);
    await regenerateCrl(s.crlDays);
    const killed = await killSession(c.commonName);
    await recordAudit({
      actor: audit.actor,
      action: "vpn.revoke",
      target: { type: "user", id: c.userId, name: c.user.email },
      ip: audit.ip,
      details: { serial: c.serial, reason, sessionKilled: killed > 0 },
    });
    changed(c.userId, "REVOKED");
    return { killed: killed > 0 };
  });
}

/** A new certificate with the same static address; the old one is revoked ("superseded") and its session killed. */
export async function rotateCertificate(certId: string, audit: Audit): Promise<VpnCertificate> {
  // an unknown id is a 404 whether or not the VPN is on
  const old = await db().vpnCertificate.findUnique({
    where: { id: certId },
    include: { user: { select: { email: true, disabledAt: true } } },
  });
  if (!old) throw notFound("This certificate");
  const s = await enabledSettings();
  if (old.status !== "ACTIVE") throw new AppError("CONFLICT", "Only an active certificate can be rotated.");
  if (old.user.disabledAt) throw new AppError("CONFLICT", "This user is disabled.");
  return withClusterLock(`vpn-user:${old.userId}`, async () => {
    const cert = await createCert(old.userId, s, old.address, old);
    removeCcd(old.commonName);
    writeCcd(cert.commonName, cert.address as string, s.network);
    await regenerateCrl(s.crlDays);
    const killed = await killSession(old.commonName);
    await recordAudit({
      actor: audit.actor,
      action: "vpn.rotate",
      target: { type: "user", id: old.userId, name: old.user.email },
      ip: audit.ip,
      details: { oldSerial: old.serial, serial: cert.serial, address: cert.address, sessionKilled: killed > 0 },
    });
    changed(old.userId, "ACTIVE");
    return cert;
  });
}

/** Revokes certificates that expired (their addresses go back to the pool). Returns how many. */
export async function revokeExpired(s: VpnSettings): Promise<number> {
  const expired = await db().vpnCertificate.findMany({ where: { status: "ACTIVE", expiresAt: { lte: new Date() } } });
  let n = 0;
  for (const c of expired) if (await revokeRow(c, "expired", s)) n++;
  for (const c of expired) changed(c.userId, "REVOKED");
  return n;
}

/** Lab networks (from settings) that hold at least one machine the user may use. */
export async function routesFor(user: Who, s: VpnSettings): Promise<string[]> {
  const reach = (await reachableAddresses([user])).get(user.id) ?? [];
  const nets = s.labNetworks.map((n) => parseCidr(n)).filter((c): c is NonNullable<typeof c> => c !== null);
  return nets.filter((n) => reach.some((a) => inCidr(parseIp(a) ?? -1, n))).map((n) => n.text);
}

export function profileFileName(email: string): string {
  const base =
    email
      .split("@")[0]
      ?.replace(/[^\w.-]+/g, "_")
      .slice(0, 40) || "lab";
  return `lab-vpn-${base}.ovpn`;
}

/** The .ovpn profile of the user's active certificate. */
export async function profileFor(user: Who): Promise<{ text: string; fileName: string; cert: VpnCertificate }> {
  const s = await enabledSettings();
  const cert = await activeCertOf(user.id);
  if (!cert) throw new AppError("NOT_FOUND", "You have no VPN certificate yet. Create your profile first.");
  if (cert.expiresAt.getTime() <= Date.now())
    throw new AppError("CONFLICT", "Your VPN certificate has expired. Renew it to get a new profile.");
  const p = await pki();
  const text = clientProfile({
    remoteHost: s.remoteHost,
    remotePort: s.remotePort,
    proto: s.proto,
    routes: await routesFor(user, s),
    caPem: p.caPem,
    certPem: cert.certPem,
    keyPem: unseal(cert.keySealed),
    tlsCryptKey: p.tlsCryptKey,
    label: user.email,
  });
  return { text, fileName: profileFileName(user.email), cert };
}
