// Handlers behind the VPN routes: thin wrappers over certificates.ts with the views the pages and API return.
import { env } from "@/env";
import type { VpnCertificate } from "@/generated/sqlite/client";
import { formatIp, parseIp, tunnelLayout } from "@/lib/ipv4";
import { recordAudit } from "@/server/audit/record";
import type { Actor } from "@/server/auth/actor";
import type { Ctx } from "@/server/auth/ctx";
import { db } from "@/server/db/client";
import { publish } from "@/server/events/bus";
import { AppError, invalid } from "@/server/http/app-error";
import {
  activeCertOf,
  certState,
  ensureCertificate,
  profileFor,
  revokeCertificate,
  rotateCertificate,
  routesFor,
} from "./certificates";
import { applyFirewall } from "./firewall";
import { type ConnectedClient, connectedClients } from "./management";
import { pki } from "./pki";
import { assertCanEnable, assertServerRunning, vpnPreflight } from "./preflight";
import type { TAdminCertRow, TCertView, TMyVpn } from "./routes";
import { currentCrlNextUpdate, paths, syncCcd, writeServerConf } from "./server-files";
import { rebuildFirewallNow, vpnRuntime } from "./service";
import { getVpnSettings, saveVpnSettings, settingsProblems, type VpnSettings } from "./settings";

export function certView(c: VpnCertificate, renewDays: number): TCertView {
  const st = certState(c, renewDays);
  return {
    id: c.id,
    serial: c.serial,
    commonName: c.commonName,
    status: c.status as "ACTIVE" | "REVOKED",
    address: c.address,
    issuedAt: c.issuedAt.toISOString(),
    expiresAt: c.expiresAt.toISOString(),
    expired: st.expired,
    renewFrom: st.renewFrom.toISOString(),
    renewalDue: st.renewalDue,
    revokedAt: c.revokedAt?.toISOString() ?? null,
    revokeReason: c.revokeReason,
  };
}

export async function myVpn(actor: Actor): Promise<TMyVpn> {
  const s = await getVpnSettings();
  const [active, history] = await Promise.all([
    activeCertOf(actor.id),
    db().vpnCertificate.findMany({
      where: { userId: actor.id, status: "REVOKED" },
      orderBy: { revokedAt: "desc" },
      take: 10,
    }),
  ]);
  return {
    enabled: s.enabled,
    remote: { host: s.remoteHost, port: s.remotePort, proto: s.proto },
    certificate: active ? certView(active, s.renewDays) : null,
    routes: s.enabled ? await routesFor(actor, s) : [],
    history: history.map((c) => certView(c, s.renewDays)),
  };
}

export async function createMine(ctx: Ctx): Promise<TMyVpn> {
  const { actor } = ctx;
  await ensureCertificate(actor, ctx);
  return myVpn(actor);
}

export async function revokeMine(ctx: Ctx): Promise<TMyVpn> {
  const { actor } = ctx;
  const c = await activeCertOf(actor.id);
  if (!c) throw new AppError("NOT_FOUND", "You have no active VPN certificate to revoke.");
  await revokeCertificate(c.id, "revoked by user", ctx);
  return myVpn(actor);
}

export async function rotateMine(ctx: Ctx): Promise<TMyVpn> {
  const { actor } = ctx;
  const c = await activeCertOf(actor.id);
  if (!c) throw new AppError("NOT_FOUND", "You have no active VPN certificate to renew. Create one instead.");
  await rotateCertificate(c.id, ctx);
  return myVpn(actor);
}

export async function profileResponse(ctx: Ctx): Promise<Response> {
  const { actor } = ctx;
  const { text, fileName, cert } = await profileFor(actor);
  // a profile for a server that does not run would not connect: say so instead of handing it out
  await assertServerRunning();
  await recordAudit({
    ...ctx,
    action: "vpn.profile",
    target: { type: "user", id: actor.id, name: actor.email },
    details: { serial: cert.serial },
  });
  return new Response(text, {
    headers: {
      "content-type": "application/x-openvpn-profile",
      "content-disposition": `attachment; filename="${fileName}"`,
      "cache-control": "no-store",
    },
  });
}

async function clientsOrError(): Promise<{ clients: ConnectedClient[]; reachable: boolean; error: string | null }> {
  try {
    return { clients: await connectedClients(paths.management()), reachable: true, error: null };
  } catch (error) {
    return { clients: [], reachable: false, error: (error as Error).message };
  }
}

function poolSize(s: VpnSettings): number {
  const l = tunnelLayout(s.network, s.pool);
  return l.ok ? l.pool.end - l.pool.start + 1 : 0;
}

export async function overview() {
  const s = await getVpnSettings();
  const [mgmt, active, revoked, preflight] = await Promise.all([
    s.enabled
      ? clientsOrError()
      : Promise.resolve({ clients: [] as ConnectedClient[], reachable: false, error: "The VPN is not enabled." }),
    db().vpnCertificate.count({ where: { status: "ACTIVE" } }),
    db().vpnCertificate.count({ where: { status: "REVOKED" } }),
    vpnPreflight({ running: s.enabled }),
  ]);
  const certs = mgmt.clients.length
    ? await db().vpnCertificate.findMany({
        where: { commonName: { in: mgmt.clients.map((c) => c.commonName) } },
        select: { commonName: true, user: { select: { id: true, email: true } } },
      })
    : [];
  const byCn = new Map(certs.map((c) => [c.commonName, c.user]));
  const rt = vpnRuntime();
  return {
    enabled: s.enabled,
    problems: settingsProblems(s),
    preflight,
    server: {
      configFile: paths.conf(),
      managedByPortal: rt.managedByPortal,
      reachable: mgmt.reachable,
      error: mgmt.error,
    },
    clients: mgmt.clients.map((c) => ({ ...c, user: byCn.get(c.commonName) ?? null })),
    crl: { nextUpdate: currentCrlNextUpdate()?.toISOString() ?? null },
    firewall: {
      mode: env().VPN_FIREWALL,
      at: rt.firewall?.at ?? null,
      pairs: rt.firewall?.pairs ?? 0,
      error: rt.firewall?.error ?? null,
    },
    counts: { active, revoked, poolSize: poolSize(s) },
  };
}

export async function listCertificates(query: {
  status?: "ACTIVE" | "REVOKED";
  q?: string;
}): Promise<{ items: TAdminCertRow[] }> {
  const s = await getVpnSettings();
  const q = query.q?.toLowerCase();
  const rows = await db().vpnCertificate.findMany({
    where: {
      ...(query.status ? { status: query.status } : {}),
      ...(q
        ? {
            OR: [
              { user: { searchText: { contains: q } } },
              { serial: { contains: q.toUpperCase() } },
              { address: { contains: q } },
            ],
          }
        : {}),
    },
    include: { user: { select: { id: true, email: true, name: true, role: true } } },
    orderBy: [{ status: "asc" }, { issuedAt: "desc" }],
    take: 500,
  });
  const connected =
    s.enabled && rows.some((r) => r.status === "ACTIVE")
      ? new Set((await clientsOrError()).clients.map((c) => c.commonName))
      : new Set<string>();
  return {
    items: rows.map((r) => ({ ...certView(r, s.renewDays), user: r.user, connected: connected.has(r.commonName) })),
  };
}

export async function adminRevoke(ctx: Ctx, id: string, reason: string | undefined) {
  return revokeCertificate(id, reason ? `revoked by an admin: ${reason}` : "revoked by an admin", ctx);
}

export async function adminRotate(ctx: Ctx, id: string): Promise<TCertView> {
  const s = await getVpnSettings();
  return certView(await rotateCertificate(id, ctx), s.renewDays);
}

export async function saveSettings(ctx: Ctx, next: VpnSettings): Promise<VpnSettings> {
  const problems = settingsProblems(next);
  if (Object.keys(problems).length) throw invalid(problems);
  // this machine must be able to run it (programs, tun, netns, nftables): refused with the fix, never a green "Saved"
  if (next.enabled) await assertCanEnable();
  const before = await getVpnSettings();
  const layout = tunnelLayout(next.network, next.pool);
  if (layout.ok && (before.network !== next.network || before.pool !== next.pool)) {
    const active = await db().vpnCertificate.findMany({
      where: { status: "ACTIVE", address: { not: null } },
      select: { address: true },
    });
    const outside = active.filter((c) => {
      const n = parseIp(c.address ?? "") ?? -1;
      return n < layout.pool.start || n > layout.pool.end;
    });
    if (outside.length) {
      throw new AppError(
        "CONFLICT",
        `${outside.length} active certificate(s) have addresses outside the new pool (for example ${outside[0]?.address}); revoke them first or keep ${formatIp(layout.pool.start)}… inside.`,
        {
          fields: { pool: "Active certificates use addresses outside this pool." },
        },
      );
    }
  }
  await saveVpnSettings(next);
  if (next.enabled) {
    await pki();
    await writeServerConf(next);
    await syncCcd(next.network);
  }
  const changed = Object.keys(next).filter(
    (k) => JSON.stringify(next[k as keyof VpnSettings]) !== JSON.stringify(before[k as keyof VpnSettings]),
  );
  await recordAudit({
    ...ctx,
    action: "vpn.settings",
    target: { type: "settings", id: "vpn", name: "VPN" },
    details: { changed },
  });
  publish({ type: "vpn.settings", audience: { roles: ["ADMIN"] }, data: { changed } });
  return next;
}

export async function rebuildFirewall(ctx: Ctx) {
  const s = await getVpnSettings();
  if (!s.enabled)
    throw new AppError("FEATURE_OFF", "The lab VPN is turned off; an admin can turn it on in Admin → VPN.");
  if (env().VPN_FIREWALL === "off")
    throw new AppError(
      "FEATURE_OFF",
      "The VPN firewall is turned off (VPN_FIREWALL=off in the portal's environment); remove that setting and restart to use it.",
    );
  let result: { at: string | null; pairs: number; error: string | null };
  if (vpnRuntime().running) {
    await rebuildFirewallNow();
    const fw = vpnRuntime().firewall;
    result = { at: fw?.at ?? null, pairs: fw?.pairs ?? 0, error: fw?.error ?? null };
  } else {
    try {
      const { pairs } = await applyFirewall(s);
      result = { at: new Date().toISOString(), pairs, error: null };
    } catch (error) {
      result = { at: new Date().toISOString(), pairs: 0, error: (error as Error).message };
    }
  }
  await recordAudit({
    ...ctx,
    action: "vpn.firewall",
    target: { type: "settings", id: "vpn", name: "VPN firewall" },
    details: result,
  });
  return result;
}
