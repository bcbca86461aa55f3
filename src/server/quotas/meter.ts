// The meter: every METER_SECONDS (and at once when a machine changes state in this process) it bills running
// time to the owner's monthly usage, warns the owner at 10 and 2 minutes of lab time left, stops machines whose
// owner has none left, and stops class machines that sat without a console for the class's idle minutes.
//
// Several portal instances may run it together: billing is claimed with a conditional update on the machine's
// meter cursor (and its state and run times) inside the transaction that adds the seconds, so a pass that lost
// the race bills nothing; warnings are claimed the same way on Machine.hoursWarned; stops claim RUNNING → STOPPING
// through the same path as a user's stop. The arithmetic is in meter-plan.ts.
import { env } from "@/env";
import { db } from "@/server/db/client";
import { bus, type PortalEvent, publish } from "@/server/events/bus";
import { loopRan, loopStarted, loopStopped } from "@/server/health/loops";
import { logger } from "@/server/log";
import { systemMachineAction } from "@/server/machines/actions";
import { countMeterRun } from "@/server/metrics/record";
import { addUsage } from "./hours";
import { idleInputs, idleShutdownAt, idleStopDetail } from "./idle";
import {
  HOURS_STOP_DETAIL,
  isMetered,
  METERED_STATES,
  markWarned,
  planMetering,
  UNSEEN_RUN_WINDOW_MS,
  warningsDue,
} from "./meter-plan";
import { cachedHoursLeft, forgetTimers, type HoursCache, publishTimers } from "./timers";

const meterSelect = {
  id: true,
  name: true,
  state: true,
  ownerId: true,
  classId: true,
  meteredAt: true,
  lastStartedAt: true,
  lastStoppedAt: true,
  hoursWarned: true,
  idleKeepUntil: true,
  updatedAt: true,
  class: { select: { name: true, idleMinutes: true } },
} as const;

type MeterMachine = {
  id: string;
  name: string;
  state: string;
  ownerId: string | null;
  classId: string | null;
  meteredAt: Date | null;
  lastStartedAt: Date | null;
  lastStoppedAt: Date | null;
  hoursWarned: string | null;
  idleKeepUntil: Date | null;
  updatedAt: Date;
  class: { name: string; idleMinutes: number } | null;
};

/**
 * Bills one machine. Returns its hoursWarned after the pass (a new run clears it), or undefined when another
 * pass changed the machine first (it is looked at again next time).
 */
async function bill(m: MeterMachine, now: Date): Promise<string | null | undefined> {
  const plan = planMetering(m, now);
  if (!plan) return m.hoursWarned;
  const claimed = await db().$transaction(async (tx) => {
    const c = await tx.machine.updateMany({
      // nothing else changed since the read (an action, the reconciler, another instance's pass)
      where: {
        id: m.id,
        state: m.state,
        meteredAt: m.meteredAt,
        lastStartedAt: m.lastStartedAt,
        lastStoppedAt: m.lastStoppedAt,
        updatedAt: m.updatedAt,
      },
      // updatedAt kept: the reconciler reads a newer updatedAt as "an action changed this row after my observation"
      data: { meteredAt: plan.meteredAt, ...(plan.newRun ? { hoursWarned: null } : {}), updatedAt: m.updatedAt },
    });
    if (c.count !== 1) return false;
    if (m.ownerId) for (const b of plan.bills) await addUsage(m.ownerId, m.classId, b.seconds, b.at, tx);
    return true;
  });
  if (!claimed) return undefined;
  return plan.newRun ? null : m.hoursWarned;
}

async function warn(m: MeterMachine, hoursWarned: string | null, leftSeconds: number): Promise<void> {
  const due = warningsDue(leftSeconds, hoursWarned);
  if (!due.length || !m.ownerId) return;
  const c = await db().machine.updateMany({
    where: { id: m.id, hoursWarned, updatedAt: m.updatedAt },
    data: { hoursWarned: markWarned(hoursWarned, due), updatedAt: m.updatedAt },
  });
  if (c.count !== 1) return;
  for (const minutes of due) {
    publish({
      type: "hours.warning",
      audience: { userIds: [m.ownerId] },
      data: {
        machineId: m.id,
        machineName: m.name,
        className: m.class?.name ?? null,
        secondsLeft: Math.max(0, Math.floor(leftSeconds)),
        minutes,
      },
    });
  }
}

/** Hours for one machine: bill, then stop it at zero or warn near zero. Returns true when it was stopped. */
async function meterHours(m: MeterMachine, now: Date, hours: HoursCache): Promise<boolean> {
  const warned = await bill(m, now);
  if (warned === undefined || !m.ownerId || !isMetered(m.state)) return false;
  const left = await cachedHoursLeft(hours, m.ownerId, m.classId);
  if (left === null) return false;
  if (left <= 0)
    return (
      m.state === "RUNNING" && (await systemMachineAction(m.id, "stop", { reason: "hours", detail: HOURS_STOP_DETAIL }))
    );
  await warn(m, warned, left);
  return false;
}

/** One pass over the given machines: bill, warn, stop for hours, stop for idleness, push timers that moved. */
async function pass(machines: MeterMachine[]): Promise<void> {
  if (!machines.length) return;
  const now = new Date();
  const hours: HoursCache = new Map();
  const stopped = new Set<string>();
  // one machine's failure (deleted meanwhile, a host error) does not hold up the others
  const each = async (m: MeterMachine, fn: () => Promise<unknown>) =>
    fn().catch((error) => logger().error({ err: error, machineId: m.id }, "[meter] metering a machine failed"));
  for (const m of machines) {
    await each(m, async () => {
      if (await meterHours(m, now, hours)) stopped.add(m.id);
    });
  }

  const idle = await idleInputs(machines.filter((m) => !stopped.has(m.id)));
  for (const m of machines) {
    const input = idle.get(m.id);
    const deadline = input ? idleShutdownAt(input) : null;
    if (!deadline || deadline.getTime() > now.getTime() || !input?.idleMinutes) continue;
    const minutes = input.idleMinutes;
    await each(m, () => systemMachineAction(m.id, "stop", { reason: "idle", detail: idleStopDetail(minutes) }));
  }

  await publishTimers(
    machines.map((m) => m.id),
    { hoursCache: hours },
  );
}

/** Machines that need a pass: up, or with a stop not billed yet. */
async function candidates(): Promise<MeterMachine[]> {
  const now = Date.now();
  return db().machine.findMany({
    where: {
      OR: [
        { state: { in: [...METERED_STATES] } },
        { meteredAt: { not: null }, lastStoppedAt: { gt: db().machine.fields.meteredAt } },
        { meteredAt: null, lastStoppedAt: { gt: new Date(now - UNSEEN_RUN_WINDOW_MS) } },
      ],
    },
    select: meterSelect,
  });
}

export async function meterTick(): Promise<void> {
  try {
    await pass(await candidates());
    countMeterRun("ok");
  } catch (error) {
    countMeterRun("error");
    throw error;
  }
}

/** A pass over one machine (after it changed state here), so a stop is billed and timers move at once. */
export async function meterMachine(id: string): Promise<void> {
  const m = await db().machine.findUnique({ where: { id }, select: meterSelect });
  if (m) await pass([m]);
}

// ---- the loop ---------------------------------------------------------------------------------------------

type Running = { timer: NodeJS.Timeout; listener: (event: PortalEvent) => void; queued: Set<string> };
const globalForMeter = globalThis as unknown as { __labMeter?: Running };

/** Starts the meter (once per process): a pass every METER_SECONDS and one per machine state change. */
export function startMeter(log: (line: string) => void = () => {}): void {
  if (globalForMeter.__labMeter) return;
  let busy = false;
  const tick = () => {
    if (busy) return;
    busy = true;
    void meterTick()
      .then(() => loopRan("meter"))
      .catch((error) => logger().error({ err: error }, "[meter] pass failed"))
      .finally(() => {
        busy = false;
      });
  };
  const queued = new Set<string>();
  const listener = (event: PortalEvent) => {
    if (event.type === "machine.deleted") {
      forgetTimers((event.data as { id: string }).id);
      return;
    }
    // the instance where the change happened meters it (and publishes the timers)
    if (event.type !== "machine.updated" || event.relayed) return;
    const id = (event.data as { id: string }).id;
    // several updates in a row (claim, result, addresses) make one pass
    if (queued.has(id)) return;
    queued.add(id);
    setTimeout(() => {
      queued.delete(id);
      void meterMachine(id).catch((error) =>
        logger().error({ err: error, machineId: id }, "[meter] metering a machine failed"),
      );
    }, 50).unref();
  };
  bus().on("event", listener);
  const timer = setInterval(tick, env().METER_SECONDS * 1000);
  timer.unref();
  loopStarted("meter", env().METER_SECONDS);
  globalForMeter.__labMeter = { timer, listener, queued };
  tick();
  log(`✓ meter: lab hours and idle shutdown checked every ${env().METER_SECONDS} s`);
}

export function stopMeter(): void {
  const r = globalForMeter.__labMeter;
  if (!r) return;
  clearInterval(r.timer);
  loopStopped("meter");
  bus().off("event", r.listener);
  globalForMeter.__labMeter = undefined;
}
