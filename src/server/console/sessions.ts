// The registry of open consoles: each one is a ConsoleSession row (opened/closed, bytes each way), an audit
// line at open and at close, and an entry in its instance's registry here, so admins can list and disconnect
// them, idle shutdown can count them, and a machine that stops ends its consoles.
//
// Several instances share the rows: another instance's console is ended by leaving a request on its row
// (kickCode/kickReason), which the serving instance carries out at its heartbeat (cluster/console-heartbeat.ts).

import { ERRORS } from "@/lib/errors";
import { recordAudit } from "@/server/audit/record";
import type { Actor } from "@/server/auth/actor";
import { instanceId, staleBefore } from "@/server/cluster/instance";
import { db } from "@/server/db/client";
import { bus, type PortalEvent, publish } from "@/server/events/bus";
import { logger } from "@/server/log";
import { countClosedConsole } from "@/server/metrics/record";

export type OpenSession = {
  id: string;
  userId: string;
  userEmail: string;
  machineId: string;
  kind: string;
  viewOnly: boolean;
  /** The API token the console was opened with: revoking it ends the console, and so does its expiry. */
  tokenId: string | null;
  tokenExpiry?: NodeJS.Timeout;
  openedAt: Date;
  stats: { bytesIn: number; bytesOut: number };
  /** Ends the console from the portal's side with a reason the page shows. */
  kick: (code: number, reason: string) => void;
  onClose?: () => void;
};

/** Why a console ends when the API token it was opened with is revoked, or expires. */
export const TOKEN_REVOKED_REASON = "The API token this console was opened with was revoked.";
const TOKEN_EXPIRED_REASON = "The API token this console was opened with expired.";

type Registry = { sessions: Map<string, OpenSession>; listening: boolean };
const globalForSessions = globalThis as unknown as { __labConsoleSessions?: Registry };

function registry(): Registry {
  globalForSessions.__labConsoleSessions ??= { sessions: new Map(), listening: false };
  const r = globalForSessions.__labConsoleSessions;
  if (!r.listening) {
    r.listening = true;
    // a machine that leaves RUNNING ends its consoles
    bus().on("event", (event: PortalEvent) => {
      if (event.type !== "machine.updated" && event.type !== "machine.deleted") return;
      const data = event.data as { id: string; state?: string };
      if (event.type === "machine.deleted" || (data.state && data.state !== "RUNNING")) {
        for (const s of r.sessions.values()) if (s.machineId === data.id) s.kick(4466, "The machine stopped.");
      }
    });
  }
  return r;
}

export async function openSession(
  actor: Actor,
  input: {
    machineId: string;
    machineName: string;
    ownerId: string | null;
    kind: string;
    viewOnly: boolean;
    ip: string | null;
  },
  kick: OpenSession["kick"],
): Promise<OpenSession> {
  const row = await db().consoleSession.create({
    data: {
      userId: actor.id,
      machineId: input.machineId,
      kind: input.kind,
      viewOnly: input.viewOnly,
      ip: input.ip,
      tokenId: actor.tokenId ?? null,
      instanceId: instanceId(),
      seenAt: new Date(),
    },
  });
  const session: OpenSession = {
    id: row.id,
    userId: actor.id,
    userEmail: actor.email,
    machineId: input.machineId,
    kind: input.kind,
    viewOnly: input.viewOnly,
    tokenId: actor.tokenId ?? null,
    openedAt: row.openedAt,
    stats: { bytesIn: 0, bytesOut: 0 },
    kick,
  };
  registry().sessions.set(row.id, session);
  refreshTimers(session.machineId);
  publishConsoleActivity(session.machineId, true);
  if (input.ownerId && input.ownerId !== actor.id) {
    // the student sees a banner: who is watching (or has taken over) their console
    // (GET /api/me/watchers answers the same from the rows, for a page opened later)
    const ownerId = input.ownerId;
    const watching = { machineId: input.machineId, sessionId: row.id, by: actor.name, viewOnly: input.viewOnly };
    publishWatching(ownerId, { ...watching, open: true });
    session.onClose = () => publishWatching(ownerId, { ...watching, open: false });
  }
  await recordAudit({
    actor,
    action: "console.open",
    target: { type: "machine", id: input.machineId, name: input.machineName },
    ip: input.ip,
    details: {
      kind: input.kind,
      viewOnly: input.viewOnly,
      session: row.id,
      ...(actor.tokenId ? { token: actor.tokenId } : {}),
    },
  });
  if (actor.tokenId) {
    // a token revoked between the upgrade's check and this registration would otherwise leave the console open
    const token = await db().apiToken.findUnique({
      where: { id: actor.tokenId },
      select: { revokedAt: true, expiresAt: true },
    });
    if (!token || token.revokedAt) setImmediate(() => kick(ERRORS.CONSOLE_CLOSED.ws, TOKEN_REVOKED_REASON));
    else if (token.expiresAt) {
      const ms = token.expiresAt.getTime() - Date.now();
      // (a timer cannot wait longer than ~24.8 days; no console stays open that long)
      if (ms < 2 ** 31 - 1) {
        session.tokenExpiry = setTimeout(() => kick(ERRORS.CONSOLE_CLOSED.ws, TOKEN_EXPIRED_REASON), Math.max(0, ms));
        session.tokenExpiry.unref();
      }
    }
  }
  return session;
}

export async function closeSession(session: OpenSession, reason: string): Promise<void> {
  if (!registry().sessions.delete(session.id)) return;
  countClosedConsole(session);
  clearTimeout(session.tokenExpiry);
  session.onClose?.();
  const seconds = Math.round((Date.now() - session.openedAt.getTime()) / 1000);
  await db()
    .consoleSession.update({
      where: { id: session.id },
      data: {
        closedAt: new Date(),
        closeReason: reason.slice(0, 200),
        bytesIn: BigInt(session.stats.bytesIn),
        bytesOut: BigInt(session.stats.bytesOut),
      },
    })
    .catch(() => undefined);
  refreshTimers(session.machineId);
  publishConsoleActivity(session.machineId, false);
  await recordAudit({
    actor: { id: session.userId, email: session.userEmail },
    action: "console.close",
    target: { type: "machine", id: session.machineId },
    details: { kind: session.kind, seconds, bytesIn: session.stats.bytesIn, bytesOut: session.stats.bytesOut, reason },
  }).catch(() => undefined);
}

export function openSessions(): OpenSession[] {
  return [...registry().sessions.values()];
}

export function localSession(id: string): OpenSession | undefined {
  return registry().sessions.get(id);
}

/** Which consoles to end: every field given must match (a user's, a machine's, a user's on some machines, a token's). */
export type KickFilter = { userId?: string; machineIds?: string[]; tokenId?: string };

function matches(s: { userId: string; machineId: string; tokenId: string | null }, f: KickFilter): boolean {
  return (
    (!f.userId || s.userId === f.userId) &&
    (!f.machineIds || f.machineIds.includes(s.machineId)) &&
    (!f.tokenId || s.tokenId === f.tokenId)
  );
}

/**
 * Ends the consoles the filter names: this instance's at once, other instances' at their next heartbeat.
 * Returns how many.
 */
export async function kickSessions(filter: KickFilter, reason: string, code = 4403): Promise<number> {
  if (!filter.userId && !filter.machineIds && !filter.tokenId) return 0; // an empty filter names no console
  let n = 0;
  for (const s of registry().sessions.values()) {
    if (matches(s, filter)) {
      s.kick(code, reason);
      n++;
    }
  }
  const elsewhere = await db().consoleSession.updateMany({
    where: {
      closedAt: null,
      instanceId: { not: instanceId() },
      ...(filter.userId ? { userId: filter.userId } : {}),
      ...(filter.machineIds ? { machineId: { in: filter.machineIds } } : {}),
      ...(filter.tokenId ? { tokenId: filter.tokenId } : {}),
    },
    data: { kickCode: code, kickReason: reason.slice(0, 200) },
  });
  return n + elsewhere.count;
}

/** An admin ends one console, on this instance or (at its next heartbeat) on the one serving it. */
export async function disconnectSession(id: string): Promise<{ machineId: string; userEmail: string } | null> {
  const reason = "An administrator closed this console.";
  const s = registry().sessions.get(id);
  if (s) {
    s.kick(ERRORS.CONSOLE_CLOSED.ws, reason);
    return s;
  }
  const row = await db().consoleSession.findFirst({
    where: { id, closedAt: null, seenAt: { gte: staleBefore() } },
    select: { machineId: true, user: { select: { email: true } } },
  });
  if (!row) return null;
  const asked = await db().consoleSession.updateMany({
    where: { id, closedAt: null },
    data: { kickCode: ERRORS.CONSOLE_CLOSED.ws, kickReason: reason },
  });
  return asked.count ? { machineId: row.machineId, userEmail: row.user.email } : null;
}

/** Tells a machine's owner that someone opened (open: true) or closed (open: false) a console on it. */
export function publishWatching(
  ownerId: string,
  data: { machineId: string; sessionId: string; by: string; viewOnly: boolean; open: boolean },
): void {
  publish({ type: "console.watching", audience: { userIds: [ownerId] }, data });
}

/**
 * A console opened or closed on a class machine: the class's teachers (and admins) hear it, so the roster's
 * console column ("open now", last console) updates live.
 */
function publishConsoleActivity(machineId: string, open: boolean): void {
  void db()
    .machine.findUnique({
      where: { id: machineId },
      select: { classId: true, class: { select: { ownerId: true, coOwners: { select: { userId: true } } } } },
    })
    .then((m) => {
      if (!m?.classId || !m.class) return;
      const teachers = [m.class.ownerId, ...m.class.coOwners.map((c) => c.userId)];
      publish({
        type: "console.session",
        audience: { userIds: teachers, roles: ["ADMIN"] },
        data: { machineId, classId: m.classId, open },
      });
    })
    .catch((error) => logger().error({ err: error }, "[console] could not publish console activity"));
}

/** A console opened or closed moves the machine's idle-shutdown deadline: its card hears it at once. */
export function refreshTimers(machineId: string): void {
  void import("@/server/quotas/timers")
    .then((t) => t.publishTimers([machineId]))
    .catch((error) => logger().error({ err: error, machineId }, "[console] could not publish timers"));
}
