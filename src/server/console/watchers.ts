// "Who is watching my machines now": the open consoles other people hold on the caller's machines, read from the
// ConsoleSession rows (shared by every instance), so a page opened after the watcher started shows its banner.
// Live changes arrive as console.watching events (sessions.ts).
import type { Actor } from "@/server/auth/actor";
import { staleBefore } from "@/server/cluster/instance";
import { db } from "@/server/db/client";

export type Watcher = { sessionId: string; machineId: string; by: string; viewOnly: boolean; since: string };

export async function myWatchers(actor: Actor): Promise<{ items: Watcher[] }> {
  const cutoff = staleBefore();
  const rows = await db().consoleSession.findMany({
    where: {
      closedAt: null,
      userId: { not: actor.id },
      machine: { ownerId: actor.id },
      OR: [{ seenAt: { gte: cutoff } }, { seenAt: null, openedAt: { gte: cutoff } }],
    },
    select: { id: true, machineId: true, viewOnly: true, openedAt: true, user: { select: { name: true } } },
    orderBy: { openedAt: "asc" },
    take: 200,
  });
  return {
    items: rows.map((r) => ({
      sessionId: r.id,
      machineId: r.machineId,
      by: r.user.name,
      viewOnly: r.viewOnly,
      since: r.openedAt.toISOString(),
    })),
  };
}
