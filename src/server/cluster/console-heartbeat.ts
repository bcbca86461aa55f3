// Coordinates: which instance serves each open console. Every INSTANCE_HEARTBEAT_SECONDS (cluster/instance.ts)
// each instance marks its open consoles' rows (seenAt, bytes so far) and carries out the requests other
// instances left on them (kickCode/kickReason: an admin's disconnect, a user who lost access, a revoked token).
// A row not marked for three beats belonged to an instance that died (or a portal that crashed): any instance
// closes it, so rosters and idle shutdown stop counting it. The registry itself is console/sessions.ts.
import { ERRORS } from "@/lib/errors";
import { instanceId, staleBefore } from "@/server/cluster/instance";
import { localSession, openSessions, publishWatching, refreshTimers } from "@/server/console/sessions";
import { db } from "@/server/db/client";

export const STALE_REASON = "The portal instance serving this console stopped.";

/** One instance heartbeat: mark this instance's consoles, end those others asked to end, close rows of dead instances. */
export async function sessionHeartbeat(): Promise<{ marked: number; kicked: number; swept: number }> {
  const now = new Date();
  const local = openSessions();
  if (local.length) {
    await db().$transaction(
      local.map((s) =>
        db().consoleSession.updateMany({
          where: { id: s.id, closedAt: null },
          data: { seenAt: now, bytesIn: BigInt(s.stats.bytesIn), bytesOut: BigInt(s.stats.bytesOut) },
        }),
      ),
    );
  }
  let kicked = 0;
  const asked = await db().consoleSession.findMany({
    where: { instanceId: instanceId(), closedAt: null, kickCode: { not: null } },
    select: { id: true, kickCode: true, kickReason: true },
  });
  for (const row of asked) {
    const s = localSession(row.id);
    if (s) {
      s.kick(row.kickCode ?? ERRORS.CONSOLE_CLOSED.ws, row.kickReason ?? "The console was closed.");
      kicked++;
    } else
      await db().consoleSession.updateMany({
        where: { id: row.id, closedAt: null },
        data: { closedAt: now, closeReason: row.kickReason },
      });
  }
  const cutoff = staleBefore();
  const stale = await db().consoleSession.findMany({
    where: { closedAt: null, OR: [{ seenAt: { lt: cutoff } }, { seenAt: null, openedAt: { lt: cutoff } }] },
    select: {
      id: true,
      machineId: true,
      viewOnly: true,
      userId: true,
      user: { select: { name: true } },
      machine: { select: { ownerId: true } },
    },
  });
  let swept = 0;
  if (stale.length) {
    swept = (
      await db().consoleSession.updateMany({
        where: { id: { in: stale.map((r) => r.id) }, closedAt: null },
        data: { closedAt: now, closeReason: STALE_REASON },
      })
    ).count;
    for (const machineId of new Set(stale.map((r) => r.machineId))) refreshTimers(machineId);
    // a watcher whose instance died is not watching any more: the owner's banner ends
    for (const r of stale) {
      if (r.machine.ownerId && r.machine.ownerId !== r.userId)
        publishWatching(r.machine.ownerId, {
          machineId: r.machineId,
          sessionId: r.id,
          by: r.user.name,
          viewOnly: r.viewOnly,
          open: false,
        });
    }
  }
  return { marked: local.length, kicked, swept };
}
