// Console tickets: ≤ 60 s, single use, bound to user + machine + kind. The ticket is 256 random bits; only its
// SHA-256 is stored. Consuming is one conditional UPDATE (usedAt IS NULL), so two upgrades racing with the same
// ticket — on one instance or several — can never both win.
import { createHash, randomBytes } from "node:crypto";
import { allowed, parseConsoleKinds } from "@/lib/machine-states";
import type { Actor } from "@/server/auth/actor";
import { db } from "@/server/db/client";
import { AppError } from "@/server/http/app-error";
import { loadForActor } from "@/server/machines/machine-core";

export const TICKET_TTL_MS = 60_000;
export type ConsoleKind = "vnc" | "spice" | "ssh" | "exec";

/** The channel connections a SPICE ticket covers (this instance): open count, and how long after the last closes. */
export type SpiceGrant = {
  open: number;
  channels: number;
  until: number;
  /** The one console session all of this SPICE connection's channels count towards. */
  session?: import("./sessions").OpenSession;
  /** Every open channel socket, so ending the session ends them all. */
  sockets?: Set<import("ws").WebSocket>;
};
const globalForGrants = globalThis as unknown as { __labSpiceGrants?: Map<string, SpiceGrant> };
function spiceGrants(): Map<string, SpiceGrant> {
  globalForGrants.__labSpiceGrants ??= new Map();
  return globalForGrants.__labSpiceGrants;
}

const hash = (ticket: string) => createHash("sha256").update(ticket).digest("hex");

/** Which console kinds a machine offers now (template's list, filtered by what its kind can do). */
export function offeredKinds(kind: "LIBVIRT" | "DOCKER", consoleKinds: string): ConsoleKind[] {
  const possible: ConsoleKind[] = kind === "LIBVIRT" ? ["vnc", "spice", "ssh"] : ["exec", "ssh"];
  return parseConsoleKinds(consoleKinds).filter((k): k is ConsoleKind => (possible as string[]).includes(k));
}

export async function issueTicket(actor: Actor, machineId: string, kind: ConsoleKind, viewOnly: boolean) {
  const m = await loadForActor(actor, machineId);
  if (!m.template || !offeredKinds(m.kind, m.template.consoleKinds).includes(kind))
    throw new AppError("CONSOLE_UNAVAILABLE", `This machine does not offer a ${kind.toUpperCase()} console.`);
  if (!allowed("console", m.state))
    throw new AppError("MACHINE_NOT_RUNNING", `The machine is ${m.state.toLowerCase()}. Start it first.`);
  const ticket = `lct_${randomBytes(32).toString("base64url")}`;
  const expiresAt = new Date(Date.now() + TICKET_TTL_MS);
  await db().consoleTicket.create({
    data: { hash: hash(ticket), userId: actor.id, machineId, kind, viewOnly, expiresAt },
  });
  // expired tickets are of no use to anyone: clear them now and then
  if (Math.random() < 0.05)
    await db().consoleTicket.deleteMany({ where: { expiresAt: { lt: new Date(Date.now() - 3600_000) } } });
  return {
    ticket,
    kind,
    viewOnly,
    expiresAt: expiresAt.toISOString(),
    url: `/ws/machines/${machineId}/console?ticket=${ticket}`,
  };
}

/**
 * Consumes a ticket for `actor` on `machineId`. Every refusal is its own error (and WebSocket close code).
 * A ticket presented by the wrong user or for the wrong machine is burnt as well.
 */
export async function consumeTicket(
  ticket: string,
  actor: Actor,
  machineId: string,
): Promise<{ kind: ConsoleKind; viewOnly: boolean; grant?: SpiceGrant }> {
  if (!/^lct_[A-Za-z0-9_-]{43}$/.test(ticket)) throw new AppError("TICKET_INVALID");
  const row = await db().consoleTicket.findUnique({ where: { hash: hash(ticket) } });
  if (!row) throw new AppError("TICKET_INVALID");
  const burn = () =>
    db().consoleTicket.updateMany({ where: { id: row.id, usedAt: null }, data: { usedAt: new Date() } });
  if (row.userId !== actor.id) {
    await burn();
    throw new AppError("TICKET_WRONG_USER");
  }
  if (row.machineId !== machineId) {
    await burn();
    throw new AppError("TICKET_WRONG_MACHINE");
  }
  if (row.usedAt) {
    // SPICE opens one connection per channel, all with the session's ticket: allowed while its first
    // connection's session lives (and briefly after), for the same user and machine only
    const grant = row.kind === "spice" ? spiceGrants().get(row.hash) : undefined;
    if (grant && grant.channels < 16 && (grant.open > 0 || Date.now() < grant.until)) {
      grant.channels++;
      return { kind: "spice", viewOnly: row.viewOnly, grant };
    }
    throw new AppError("TICKET_USED");
  }
  if (row.expiresAt.getTime() <= Date.now()) throw new AppError("TICKET_EXPIRED");
  const claimed = await db().consoleTicket.updateMany({
    where: { id: row.id, usedAt: null, expiresAt: { gt: new Date() } },
    data: { usedAt: new Date() },
  });
  if (claimed.count !== 1) throw new AppError("TICKET_USED");
  if (row.kind === "spice") {
    const grant: SpiceGrant = { open: 0, channels: 1, until: Date.now() + 30_000 };
    spiceGrants().set(row.hash, grant);
    setTimeout(() => spiceGrants().delete(row.hash), 12 * 3600_000).unref();
    return { kind: "spice", viewOnly: row.viewOnly, grant };
  }
  return { kind: row.kind as ConsoleKind, viewOnly: row.viewOnly };
}
