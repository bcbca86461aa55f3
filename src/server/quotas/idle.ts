// Idle auto-shutdown: a running class machine with no console open for the class's idle minutes is stopped.
// "Idle since" is the later of the run's start and the last console closing; "keep running" pushes the
// deadline to now + idle minutes (never past the hours left). The deadline arithmetic is pure, for tests; the
// loader reads what it needs for many machines in four queries.
import { db } from "@/server/db/client";

export type IdleInput = {
  state: string;
  /** the class's idle minutes; null or 0 = no idle shutdown (not a class machine, or turned off) */
  idleMinutes: number | null;
  /** consoles open on this run */
  openConsoles: number;
  lastStartedAt: Date | null;
  lastStoppedAt: Date | null;
  lastConsoleClosedAt: Date | null;
  idleKeepUntil: Date | null;
};

const later = (...dates: (Date | null | undefined)[]): Date | null =>
  dates.reduce<Date | null>((best, d) => (d && (!best || d.getTime() > best.getTime()) ? d : best), null);

/**
 * When the machine is shut down for want of a console, or null when it is not counting down (not running,
 * a console is open, or the class has no idle shutdown). A run started behind the portal's back has no
 * lastStartedAt after its last stop: it counts from that stop (the earliest it can have started).
 */
export function idleShutdownAt(m: IdleInput): Date | null {
  if (m.state !== "RUNNING" || !m.idleMinutes || m.idleMinutes <= 0 || m.openConsoles > 0) return null;
  const since = later(m.lastStartedAt, m.lastStoppedAt, m.lastConsoleClosedAt);
  if (!since) return null;
  const deadline = new Date(since.getTime() + m.idleMinutes * 60_000);
  return later(deadline, m.idleKeepUntil);
}

/** "Keep running": idle minutes from now, but not beyond the lab time left (null = unlimited). */
export function keepRunningUntil(now: Date, idleMinutes: number, hoursLeftSeconds: number | null): Date {
  const seconds = Math.min(
    idleMinutes * 60,
    hoursLeftSeconds === null ? Number.POSITIVE_INFINITY : Math.max(0, hoursLeftSeconds),
  );
  return new Date(now.getTime() + seconds * 1000);
}

/** The sentence a machine stopped for idleness carries as its state detail. */
export function idleStopDetail(idleMinutes: number): string {
  return `Stopped after ${idleMinutes} minute${idleMinutes === 1 ? "" : "s"} without a console`;
}

export type IdleRow = {
  id: string;
  state: string;
  lastStartedAt: Date | null;
  lastStoppedAt: Date | null;
  idleKeepUntil: Date | null;
  class: { idleMinutes: number } | null;
};

/**
 * Idle inputs for machines already loaded. A console row still open from before the run started cannot be
 * live (consoles end when a machine leaves RUNNING), so only rows opened during this run count — a portal
 * that died with consoles open does not keep machines running for ever.
 */
export async function idleInputs(rows: IdleRow[]): Promise<Map<string, IdleInput>> {
  const running = rows.filter((m) => m.state === "RUNNING" && (m.class?.idleMinutes ?? 0) > 0);
  const ids = running.map((m) => m.id);
  const [open, closed] = ids.length
    ? await Promise.all([
        db().consoleSession.findMany({
          where: { machineId: { in: ids }, closedAt: null },
          select: { machineId: true, openedAt: true },
        }),
        db().consoleSession.groupBy({
          by: ["machineId"],
          where: { machineId: { in: ids }, closedAt: { not: null } },
          _max: { closedAt: true },
        }),
      ])
    : [[], []];
  const lastClosed = new Map(closed.map((c) => [c.machineId, c._max.closedAt ?? null]));
  const result = new Map<string, IdleInput>();
  for (const m of rows) {
    const runStart = m.lastStartedAt?.getTime() ?? 0;
    result.set(m.id, {
      state: m.state,
      idleMinutes: m.class?.idleMinutes ?? null,
      openConsoles: open.filter((s) => s.machineId === m.id && s.openedAt.getTime() >= runStart).length,
      lastStartedAt: m.lastStartedAt,
      lastStoppedAt: m.lastStoppedAt,
      lastConsoleClosedAt: lastClosed.get(m.id) ?? null,
      idleKeepUntil: m.idleKeepUntil,
    });
  }
  return result;
}
