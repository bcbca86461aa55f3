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

const hash = (ticket: string) => createHash("sha256").update(ticket).digest("hex");

/** Which console kinds a machine offers now (template's list, filtered by what its kind can do). */
export function offeredKinds(kind: "LIBVIRT" | "DOCKER", consoleKinds: string): ConsoleKind[] {
  const possible: ConsoleKind[] = kind === "LIBVIRT" ? ["vnc", "spice", "ssh"] : ["exec", "ssh"];
  return parseConsoleKinds(consoleKinds).filter((k): k is ConsoleKind => (possible as string[]).includes(k));
}

export async function issueTicket(actor: Actor, machineId: string, kind: ConsoleKind, viewOnly: boolean) {
  const m = await loadForActor(actor, machineId);
  if (!m.template || !offeredKinds(m.kind, m.template.consoleKinds).includes(kind)) throw new AppError("CONSOLE_UNAVAILABLE", `This machine does not offer a ${kind.toUpperCase()} console.`);
  if (!allowed("console", m.state)) throw new AppError("MACHINE_NOT_RUNNING", `The machine is ${m.state.toLowerCase()}. Start it first.`);
  const ticket = `lct_${randomBytes(32).toString("base64url")}`;
  const expiresAt = new Date(Date.now() + TICKET_TTL_MS);
  await db().consoleTicket.create({ data: { hash: hash(ticket), userId: actor.id, machineId, kind, viewOnly, expiresAt } });
  // expired tickets are of no use to anyone: clear them now and then
  if (Math.random() < 0.05) await db().consoleTicket.deleteMany({ where: { expiresAt: { lt: new Date(Date.now() - 3600_000) } } });
  return { ticket, kind, viewOnly, expiresAt: expiresAt.toISOString(), url: `/ws/machines/${machineId}/console?ticket=${ticket}` };
}

/**
 * Consumes a ticket for `actor` on `machineId`. Every refusal is its own error (and WebSocket close code).
 * A ticket presented by the wrong user or for the wrong machine is burnt as well.
 */
export async function consumeTicket(ticket: string, actor: Actor, machineId: string): Promise<{ kind: ConsoleKind; viewOnly: boolean }> {
  if (!/^lct_[A-Za-z0-9_-]{43}$/.test(ticket)) throw new AppError("TICKET_INVALID");
  const row = await db().consoleTicket.findUnique({ where: { hash: hash(ticket) } });
  if (!row) throw new AppError("TICKET_INVALID");
  const burn = () => db().consoleTicket.updateMany({ where: { id: row.id, usedAt: null }, data: { usedAt: new Date() } });
  if (row.userId !== actor.id) {
    await burn();
    throw new AppError("TICKET_WRONG_USER");
  }
  if (row.machineId !== machineId) {
    await burn();
    throw new AppError("TICKET_WRONG_MACHINE");
  }
  if (row.usedAt) throw new AppError("TICKET_USED");
  if (row.expiresAt.getTime() <= Date.now()) throw new AppError("TICKET_EXPIRED");
  const claimed = await db().consoleTicket.updateMany({ where: { id: row.id, usedAt: null, expiresAt: { gt: new Date() } }, data: { usedAt: new Date() } });
  if (claimed.count !== 1) throw new AppError("TICKET_USED");
  return { kind: row.kind as ConsoleKind, viewOnly: row.viewOnly };
}
