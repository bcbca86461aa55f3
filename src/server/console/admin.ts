// Admin view of open consoles (this portal instance's registry) and disconnect.

import { recordAudit } from "@/server/audit/record";
import type { Actor } from "@/server/auth/actor";
import { db } from "@/server/db/client";
import { notFound } from "@/server/http/app-error";
import { disconnectSession, openSessions } from "./sessions";

export async function listConsoles() {
  const sessions = openSessions();
  const machines = await db().machine.findMany({ where: { id: { in: [...new Set(sessions.map((s) => s.machineId))] } }, select: { id: true, name: true } });
  const names = new Map(machines.map((m) => [m.id, m.name]));
  return {
    items: sessions
      .sort((a, b) => a.openedAt.getTime() - b.openedAt.getTime())
      .map((s) => ({
        id: s.id,
        user: { id: s.userId, email: s.userEmail },
        machine: { id: s.machineId, name: names.get(s.machineId) ?? "(deleted)" },
        kind: s.kind,
        viewOnly: s.viewOnly,
        openedAt: s.openedAt.toISOString(),
        bytesIn: s.stats.bytesIn,
        bytesOut: s.stats.bytesOut,
      })),
  };
}

export async function disconnectConsole(actor: Actor, id: string, ip: string | null): Promise<void> {
  const s = disconnectSession(id);
  if (!s) throw notFound("This console session");
  await recordAudit({ actor, action: "console.disconnect", target: { type: "machine", id: s.machineId }, ip, details: { session: id, user: s.userEmail } });
}
