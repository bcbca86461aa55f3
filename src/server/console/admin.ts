// Admin view of open consoles (every instance's, from the session rows; this instance's with live byte counts)
// and disconnect.

import { recordAudit } from "@/server/audit/record";
import type { Ctx } from "@/server/auth/ctx";
import { staleBefore } from "@/server/cluster/instance";
import { db } from "@/server/db/client";
import { notFound } from "@/server/http/app-error";
import { disconnectSession, localSession } from "./sessions";

export async function listConsoles() {
  const rows = await db().consoleSession.findMany({
    where: { closedAt: null, kickCode: null, seenAt: { gte: staleBefore() } },
    orderBy: { openedAt: "asc" },
    select: {
      id: true,
      kind: true,
      viewOnly: true,
      openedAt: true,
      bytesIn: true,
      bytesOut: true,
      user: { select: { id: true, email: true } },
      machine: { select: { id: true, name: true } },
    },
    take: 1000,
  });
  return {
    items: rows.map((r) => {
      const live = localSession(r.id)?.stats;
      return {
        id: r.id,
        user: r.user,
        machine: r.machine,
        kind: r.kind,
        viewOnly: r.viewOnly,
        openedAt: r.openedAt.toISOString(),
        bytesIn: live?.bytesIn ?? Number(r.bytesIn),
        bytesOut: live?.bytesOut ?? Number(r.bytesOut),
      };
    }),
  };
}

export async function disconnectConsole(ctx: Ctx, id: string): Promise<void> {
  const s = await disconnectSession(id);
  if (!s) throw notFound("This console session");
  await recordAudit({
    ...ctx,
    action: "console.disconnect",
    target: { type: "machine", id: s.machineId },
    details: { session: id, user: s.userEmail },
  });
}
