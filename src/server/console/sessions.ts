// The registry of open consoles: each one is a ConsoleSession row (opened/closed, bytes each way), an audit
// line at open and at close, and an entry here so admins can list and disconnect them, idle shutdown can
// count them, and a machine that stops ends its consoles.

import { ERRORS } from "@/lib/errors";
import { recordAudit } from "@/server/audit/record";
import type { Actor } from "@/server/auth/actor";
import { db } from "@/server/db/client";
import { bus, type PortalEvent, publish } from "@/server/events/bus";

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
  input: { machineId: string; machineName: string; ownerId: string | null; kind: string; viewOnly: boolean; ip: string | null },
  kick: OpenSession["kick"],
): Promise<OpenSession> {
  const row = await db().consoleSession.create({
    data: { userId: actor.id, machineId: input.machineId, kind: input.kind, viewOnly: input.viewOnly, ip: input.ip, tokenId: actor.tokenId ?? null },
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
  if (input.ownerId && input.ownerId !== actor.id) {
    // the student sees a banner: who is watching (or has taken over) their console
    publish({
      type: "console.watching",
      audience: { userIds: [input.ownerId] },
      data: { machineId: input.machineId, sessionId: row.id, by: actor.name, viewOnly: input.viewOnly, open: true },
    });
    session.onClose = () =>
      publish({ type: "console.watching", audience: { userIds: [input.ownerId as string] }, data: { machineId: input.machineId, sessionId: row.id, by: actor.name, viewOnly: input.viewOnly, open: false } });
  }
  await recordAudit({
    actor,
    action: "console.open",
    target: { type: "machine", id: input.machineId, name: input.machineName },
    ip: input.ip,
    details: { kind: input.kind, viewOnly: input.viewOnly, session: row.id, ...(actor.tokenId ? { token: actor.tokenId } : {}) },
  });
  if (actor.tokenId) {
    // a token revoked between the upgrade's check and this registration would otherwise leave the console open
    const token = await db().apiToken.findUnique({ where: { id: actor.tokenId }, select: { revokedAt: true, expiresAt: true } });
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
  clearTimeout(session.tokenExpiry);
  session.onClose?.();
  const seconds = Math.round((Date.now() - session.openedAt.getTime()) / 1000);
  await db()
    .consoleSession.update({
      where: { id: session.id },
      data: { closedAt: new Date(), closeReason: reason.slice(0, 200), bytesIn: BigInt(session.stats.bytesIn), bytesOut: BigInt(session.stats.bytesOut) },
    })
    .catch(() => undefined);
  refreshTimers(session.machineId);
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

export function openSessionCount(machineId: string): number {
  let n = 0;
  for (const s of registry().sessions.values()) if (s.machineId === machineId) n++;
  return n;
}

/** Ends every console of a user (disabled, lost access), of a machine, or opened with an API token (revoked). */
export function kickSessions(filter: { userId?: string; machineId?: string; tokenId?: string }, reason: string, code = 4403): number {
  let n = 0;
  for (const s of registry().sessions.values()) {
    if ((filter.userId && s.userId === filter.userId) || (filter.machineId && s.machineId === filter.machineId) || (filter.tokenId && s.tokenId === filter.tokenId)) {
      s.kick(code, reason);
      n++;
    }
  }
  return n;
}

/** An admin ends one console. */
export function disconnectSession(id: string): OpenSession | null {
  const s = registry().sessions.get(id);
  if (!s) return null;
  s.kick(4469, "An administrator closed this console.");
  return s;
}

/** A console opened or closed moves the machine's idle-shutdown deadline: its card hears it at once. */
function refreshTimers(machineId: string): void {
  void import("@/server/quotas/timers")
    .then((t) => t.publishTimers([machineId]))
    .catch((error) => console.error("[console] could not publish timers", error));
}
