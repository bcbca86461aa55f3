// What a lab card counts down: when idle shutdown comes (no console open) and how much lab time is left, plus
// "keep running". Pages load the timers once (machineTimers) and follow "machine.timers" events, which the
// meter publishes when a deadline moves or the hours left drift from what the card predicts.
import { z } from "zod";
import { recordAudit } from "@/server/audit/record";
import type { Actor } from "@/server/auth/actor";
import type { Ctx } from "@/server/auth/ctx";
import { classTeacherIds } from "@/server/auth/permissions";
import { db } from "@/server/db/client";
import { publish } from "@/server/events/bus";
import { AppError, notFound } from "@/server/http/app-error";
import { loadForActor } from "@/server/machines/machine-core";
import { hoursLeftSeconds } from "./hours";
import { type IdleRow, idleInputs, idleShutdownAt, keepRunningUntil } from "./idle";
import { METERED_STATES, planMetering } from "./meter-plan";

export const ZMachineTimers = z.object({
  machineId: z.string(),
  state: z.string(),
  /** When the machine is stopped for want of a console; null = not counting down (a console is open, not running, or no idle shutdown). */
  idleShutdownAt: z.string().nullable(),
  /** The class's idle minutes (what "keep running" adds); null = this machine has no idle shutdown. */
  idleMinutes: z.number().nullable(),
  /** Until when "keep running" holds the idle shutdown off; null when never pressed. */
  keepRunningUntil: z.string().nullable(),
  /** Lab time the owner has left this month for this machine (plan and class budgets); null = unlimited. */
  hoursLeftSeconds: z.number().nullable(),
  /** true while the machine runs: the hours left go down by one second per second. */
  hoursCounting: z.boolean(),
  /** The server's clock when this was computed (a page corrects its own clock with it). */
  asOf: z.string(),
});
export type TMachineTimers = z.infer<typeof ZMachineTimers>;

const timerSelect = {
  id: true,
  state: true,
  ownerId: true,
  classId: true,
  meteredAt: true,
  lastStartedAt: true,
  lastStoppedAt: true,
  idleKeepUntil: true,
  class: { select: { idleMinutes: true, ownerId: true, coOwners: { select: { userId: true } } } },
} as const;

/** Hours left per owner and class, shared by the machines of one pass (the meter computes them anyway). */
export type HoursCache = Map<string, Promise<number | null>>;

export function cachedHoursLeft(cache: HoursCache, userId: string, classId: string | null): Promise<number | null> {
  const key = `${userId}|${classId ?? ""}`;
  let left = cache.get(key);
  if (!left) {
    left = hoursLeftSeconds(userId, classId);
    cache.set(key, left);
  }
  return left;
}

/** Timers for many machines (unknown ids are left out). */
export async function machineTimers(
  machineIds: string[],
  hoursCache: HoursCache = new Map(),
): Promise<Record<string, TMachineTimers>> {
  if (!machineIds.length) return {};
  const rows = await db().machine.findMany({ where: { id: { in: machineIds } }, select: timerSelect });
  const now = new Date();
  const idle = await idleInputs(rows as IdleRow[]);
  const result: Record<string, TMachineTimers> = {};
  for (const m of rows) {
    const counting = (METERED_STATES as readonly string[]).includes(m.state);
    let left = m.ownerId ? await cachedHoursLeft(hoursCache, m.ownerId, m.classId) : null;
    if (left !== null && counting) {
      // time run since the meter's last pass is not in the usage rows yet
      const unbilled = planMetering(m, now)?.bills.reduce((sum, b) => sum + b.seconds, 0) ?? 0;
      left = Math.max(0, left - unbilled);
    }
    const input = idle.get(m.id);
    const idleMinutes = m.class && m.class.idleMinutes > 0 ? m.class.idleMinutes : null;
    result[m.id] = {
      machineId: m.id,
      state: m.state,
      idleShutdownAt: input ? (idleShutdownAt(input)?.toISOString() ?? null) : null,
      idleMinutes,
      keepRunningUntil: m.idleKeepUntil?.toISOString() ?? null,
      hoursLeftSeconds: left,
      hoursCounting: counting,
      asOf: now.toISOString(),
    };
  }
  return result;
}

/** One machine's timers for someone who may use it (others' machines are "not found"). */
export async function timersForActor(actor: Actor, id: string): Promise<TMachineTimers> {
  const m = await loadForActor(actor, id);
  const timers = (await machineTimers([m.id]))[m.id];
  if (!timers) throw notFound("This machine");
  return timers;
}

// ---- live updates ---------------------------------------------------------------------------------------

type Published = {
  idle: string | null;
  keep: string | null;
  left: number | null;
  counting: boolean;
  state: string;
  at: number;
};
const globalForTimers = globalThis as unknown as { __labTimersSent?: Map<string, Published> };
const sent = () => {
  globalForTimers.__labTimersSent ??= new Map();
  return globalForTimers.__labTimersSent;
};

/** Hours left may drift this far from what a page counts down before a fresh value is pushed. */
const DRIFT_SECONDS = 15;

function changed(before: Published | undefined, t: TMachineTimers, now: number): boolean {
  if (!before) return true;
  if (
    before.idle !== t.idleShutdownAt ||
    before.keep !== t.keepRunningUntil ||
    before.counting !== t.hoursCounting ||
    before.state !== t.state
  )
    return true;
  if ((before.left === null) !== (t.hoursLeftSeconds === null)) return true;
  if (before.left === null || t.hoursLeftSeconds === null) return false;
  const predicted = Math.max(0, before.left - (before.counting ? (now - before.at) / 1000 : 0));
  return Math.abs(predicted - t.hoursLeftSeconds) > DRIFT_SECONDS;
}

/**
 * Pushes "machine.timers" to the owner, the class's teachers and admins for each machine whose timers moved
 * (or all of them with force). Each portal instance remembers what it pushed to its own sockets.
 */
export async function publishTimers(
  machineIds: string[],
  options: { force?: boolean; hoursCache?: HoursCache } = {},
): Promise<void> {
  if (!machineIds.length) return;
  const timers = await machineTimers(machineIds, options.hoursCache);
  const audiences = await db().machine.findMany({
    where: { id: { in: Object.keys(timers) } },
    select: { id: true, ownerId: true, class: { select: { ownerId: true, coOwners: { select: { userId: true } } } } },
  });
  const now = Date.now();
  for (const m of audiences) {
    const t = timers[m.id];
    if (!t) continue;
    if (!options.force && !changed(sent().get(m.id), t, now)) continue;
    sent().set(m.id, {
      idle: t.idleShutdownAt,
      keep: t.keepRunningUntil,
      left: t.hoursLeftSeconds,
      counting: t.hoursCounting,
      state: t.state,
      at: now,
    });
    const userIds = [m.ownerId, ...classTeacherIds(m.class)].filter((x): x is string => Boolean(x));
    publish({ type: "machine.timers", audience: { userIds, roles: ["ADMIN"] }, data: t });
  }
}

export function forgetTimers(machineId: string): void {
  sent().delete(machineId);
}

/**
 * "Keep running": holds the idle shutdown off for the class's idle minutes from now, never past the lab time
 * left. Owner, the class's teachers and admins; only while the machine runs.
 */
export async function keepRunning(ctx: Ctx, id: string): Promise<TMachineTimers> {
  const { actor } = ctx;
  const m = await loadForActor(actor, id);
  if (m.state !== "RUNNING") throw new AppError("INVALID_STATE", "Only a running machine can be kept running.");
  const cls = m.classId
    ? await db().class.findUnique({ where: { id: m.classId }, select: { idleMinutes: true } })
    : null;
  if (!cls || cls.idleMinutes <= 0)
    throw new AppError("INVALID_STATE", "This machine is not shut down when idle; there is nothing to hold off.");
  const left = m.ownerId ? await hoursLeftSeconds(m.ownerId, m.classId) : null;
  const until = keepRunningUntil(new Date(), cls.idleMinutes, left);
  const updated = await db().machine.updateMany({ where: { id, state: "RUNNING" }, data: { idleKeepUntil: until } });
  if (updated.count !== 1) throw new AppError("INVALID_STATE", "Only a running machine can be kept running.");
  await recordAudit({
    ...ctx,
    action: "machine.keep_running",
    target: { type: "machine", id, name: m.name },
    details: { until: until.toISOString() },
  });
  await publishTimers([id], { force: true });
  const timers = (await machineTimers([id]))[id];
  if (!timers) throw notFound("This machine");
  return timers;
}
