// Pure arithmetic of lab hours and idle shutdown: what one meter pass bills, where the cursor goes, which
// warnings are due, when idle shutdown comes and how far "keep running" reaches.
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { formatCountdown, formatTimeLeft, MachineTimers } from "@/components/labs/machine-timers";
import { idleShutdownAt, idleStopDetail, keepRunningUntil } from "@/server/quotas/idle";
import {
  billsFor,
  type MeterRow,
  markWarned,
  planMetering,
  splitByMonth,
  warningsDue,
} from "@/server/quotas/meter-plan";

const t0 = Date.UTC(2026, 10, 15, 12, 0, 0); // 2026-11-15 12:00:00 UTC
const at = (seconds: number) => new Date(t0 + seconds * 1000);
const row = (r: Partial<MeterRow>): MeterRow => ({
  state: "RUNNING",
  meteredAt: null,
  lastStartedAt: null,
  lastStoppedAt: null,
  ...r,
});
const billed = (plan: ReturnType<typeof planMetering>) => plan?.bills.reduce((s, b) => s + b.seconds, 0) ?? 0;

describe("planMetering", () => {
  it("bills a new run from its start and parks the cursor on a whole second", () => {
    const plan = planMetering(row({ lastStartedAt: at(0) }), new Date(t0 + 30_700));
    expect(billed(plan)).toBe(30);
    expect(plan?.meteredAt.getTime()).toBe(t0 + 30_000);
    expect(plan?.newRun).toBe(true);
  });

  it("goes on from the cursor while running; the fraction is carried, not lost", () => {
    const plan = planMetering(row({ lastStartedAt: at(0), meteredAt: at(30) }), new Date(t0 + 60_400));
    expect(billed(plan)).toBe(30);
    expect(plan?.meteredAt).toEqual(at(60));
    expect(plan?.newRun).toBe(false);
    // 400 ms later: nothing to write
    expect(planMetering(row({ lastStartedAt: at(0), meteredAt: at(60) }), new Date(t0 + 60_900))).toBeNull();
  });

  it("a reboot (new lastStartedAt, no stop) continues the run from the cursor", () => {
    const plan = planMetering(
      row({ state: "RUNNING", lastStartedAt: at(50), meteredAt: at(30), lastStoppedAt: at(-100) }),
      at(60),
    );
    expect(billed(plan)).toBe(30);
    expect(plan?.newRun).toBe(false);
    expect(billed(planMetering(row({ state: "REBOOTING", lastStartedAt: at(0), meteredAt: at(30) }), at(40)))).toBe(10);
  });

  it("bills STOPPING (the guest still runs) but not STARTING", () => {
    expect(billed(planMetering(row({ state: "STOPPING", lastStartedAt: at(0), meteredAt: at(30) }), at(45)))).toBe(15);
    expect(
      planMetering(
        row({ state: "STARTING", lastStartedAt: at(-500), lastStoppedAt: at(-100), meteredAt: at(-100) }),
        at(10),
      ),
    ).toBeNull();
  });

  it("bills the tail up to the stop once, then parks on the stop", () => {
    const stopped = row({ state: "STOPPED", lastStartedAt: at(0), meteredAt: at(30), lastStoppedAt: at(42.4) });
    const plan = planMetering(stopped, at(60));
    expect(billed(plan)).toBe(12);
    expect(plan?.meteredAt).toEqual(at(42.4));
    expect(plan?.newRun).toBe(true);
    // the next pass (or another instance with the new cursor) has nothing to do
    expect(planMetering({ ...stopped, meteredAt: at(42.4) }, at(90))).toBeNull();
  });

  it("stop and start between two passes: the old tail and the new run, not the gap", () => {
    const plan = planMetering(
      row({ state: "RUNNING", meteredAt: at(30), lastStoppedAt: at(35), lastStartedAt: at(50) }),
      at(60),
    );
    expect(billed(plan)).toBe(5 + 10);
    expect(plan?.meteredAt).toEqual(at(60));
    expect(plan?.newRun).toBe(true);
  });

  it("a new run after a billed stop starts from lastStartedAt, not from the old cursor", () => {
    const plan = planMetering(
      row({ state: "RUNNING", meteredAt: at(-100), lastStoppedAt: at(-100), lastStartedAt: at(0) }),
      at(20),
    );
    expect(billed(plan)).toBe(20);
  });

  it("a run the meter never saw is billed when its stop is recent, and only once", () => {
    const unseen = row({ state: "STOPPED", lastStartedAt: at(0), lastStoppedAt: at(8) });
    const plan = planMetering(unseen, at(10));
    expect(billed(plan)).toBe(8);
    expect(planMetering({ ...unseen, meteredAt: plan?.meteredAt ?? null }, at(20))).toBeNull();
    // long ago (a machine from before metering existed): not billed
    expect(planMetering(unseen, at(8 + 3600))).toBeNull();
  });

  it("started behind the portal's back (no start after the last stop): billed from the first pass that sees it", () => {
    const plan = planMetering(row({ state: "RUNNING", lastStartedAt: at(-5000), lastStoppedAt: at(-4000) }), at(0));
    expect(billed(plan)).toBe(0);
    expect(plan?.meteredAt).toEqual(at(0));
  });

  it("UNKNOWN and FAILED wait: nothing billed until the machine stops or runs again", () => {
    expect(planMetering(row({ state: "UNKNOWN", lastStartedAt: at(0), meteredAt: at(30) }), at(300))).toBeNull();
    expect(planMetering(row({ state: "FAILED", lastStartedAt: at(0), meteredAt: at(30) }), at(300))).toBeNull();
  });

  it("never-run and long-stopped machines need nothing", () => {
    expect(planMetering(row({ state: "STOPPED" }), at(0))).toBeNull();
    expect(planMetering(row({ state: "PROVISIONING" }), at(0))).toBeNull();
  });
});

describe("months", () => {
  it("cuts intervals at UTC month boundaries", () => {
    const end = Date.UTC(2026, 11, 1); // 2026-12-01
    expect(splitByMonth(end - 10_000, end + 5_000)).toEqual([
      [end - 10_000, end],
      [end, end + 5_000],
    ]);
    expect(splitByMonth(t0, t0)).toEqual([]);
  });

  it("spreads billed seconds over the months exactly", () => {
    const end = Date.UTC(2026, 11, 1);
    const bills = billsFor(end - 10_000, end + 20_000, 30);
    expect(bills.map((b) => [b.at.toISOString().slice(0, 7), b.seconds])).toEqual([
      ["2026-11", 10],
      ["2026-12", 20],
    ]);
    expect(billsFor(t0, t0 + 1000, 0)).toEqual([]);
  });

  it("a run across midnight at the month's end bills each month its share", () => {
    const end = Date.UTC(2026, 11, 1);
    const plan = planMetering(row({ lastStartedAt: new Date(end - 15_000) }), new Date(end + 15_000));
    expect(plan?.bills.map((b) => b.seconds)).toEqual([15, 15]);
  });
});

describe("hours warnings", () => {
  it("warns once per threshold per run", () => {
    expect(warningsDue(null, null)).toEqual([]);
    expect(warningsDue(601, null)).toEqual([]);
    expect(warningsDue(600, null)).toEqual([10]);
    expect(warningsDue(300, "10")).toEqual([]);
    expect(warningsDue(120, "10")).toEqual([2]);
    expect(warningsDue(15, null)).toEqual([10, 2]);
    expect(warningsDue(15, "10,2")).toEqual([]);
    // at zero the stop speaks for itself
    expect(warningsDue(0, null)).toEqual([]);
    expect(markWarned(null, [10])).toBe("10");
    expect(markWarned("10", [2])).toBe("10,2");
    expect(markWarned("2", [10, 2])).toBe("10,2");
  });
});

describe("idle shutdown", () => {
  const base = {
    state: "RUNNING",
    idleMinutes: 1,
    openConsoles: 0,
    lastStartedAt: at(0),
    lastStoppedAt: at(-500),
    lastConsoleClosedAt: null,
    idleKeepUntil: null,
  };

  it("counts idle minutes from the start, or from the last console closing", () => {
    expect(idleShutdownAt(base)).toEqual(at(60));
    expect(idleShutdownAt({ ...base, lastConsoleClosedAt: at(100) })).toEqual(at(160));
    // a console closed in an earlier run does not move it back
    expect(idleShutdownAt({ ...base, lastConsoleClosedAt: at(-300) })).toEqual(at(60));
  });

  it("does not count down with a console open, when stopped, or without idle minutes", () => {
    expect(idleShutdownAt({ ...base, openConsoles: 1 })).toBeNull();
    expect(idleShutdownAt({ ...base, state: "STOPPED" })).toBeNull();
    expect(idleShutdownAt({ ...base, state: "STARTING" })).toBeNull();
    expect(idleShutdownAt({ ...base, idleMinutes: 0 })).toBeNull();
    expect(idleShutdownAt({ ...base, idleMinutes: null })).toBeNull();
  });

  it("keep running pushes the deadline to the later of the two", () => {
    expect(idleShutdownAt({ ...base, idleKeepUntil: at(200) })).toEqual(at(200));
    expect(idleShutdownAt({ ...base, idleKeepUntil: at(10) })).toEqual(at(60));
  });

  it("keep running lasts the idle minutes, bounded by the hours left", () => {
    expect(keepRunningUntil(at(0), 30, null)).toEqual(at(1800));
    expect(keepRunningUntil(at(0), 30, 7200)).toEqual(at(1800));
    expect(keepRunningUntil(at(0), 30, 600)).toEqual(at(600));
    expect(keepRunningUntil(at(0), 30, 0)).toEqual(at(0));
    expect(keepRunningUntil(at(0), 30, -5)).toEqual(at(0));
  });

  it("says why it stopped", () => {
    expect(idleStopDetail(1)).toBe("Stopped after 1 minute without a console");
    expect(idleStopDetail(30)).toBe("Stopped after 30 minutes without a console");
  });
});

describe("timer texts", () => {
  it("formats countdowns and time left", () => {
    expect(formatCountdown(754)).toBe("12:34");
    expect(formatCountdown(3723)).toBe("1:02:03");
    expect(formatCountdown(-3)).toBe("0:00");
    expect(formatTimeLeft(2 * 3600 + 13 * 60 + 40)).toBe("2 h 13 min");
    expect(formatTimeLeft(45 * 60)).toBe("45 min");
    expect(formatTimeLeft(65)).toBe("1 min 05 s");
    expect(formatTimeLeft(42)).toBe("42 s");
    expect(formatTimeLeft(0)).toBe("none");
  });
});

describe("the lab card's timers", () => {
  const asOf = new Date();
  const timers = {
    machineId: "m1",
    state: "RUNNING",
    idleShutdownAt: new Date(asOf.getTime() + 754_500).toISOString(),
    idleMinutes: 30,
    keepRunningUntil: null,
    hoursLeftSeconds: 2 * 3600 + 13 * 60 + 30,
    hoursCounting: true,
    asOf: asOf.toISOString(),
  };

  it("shows the countdown with Keep running and the time left, with calm status text for screen readers", () => {
    const html = renderToStaticMarkup(createElement(MachineTimers, { machineId: "m1", initial: timers }));
    expect(html).toMatch(/Shuts down in <span[^>]*>12:3\d<\/span> without a console/);
    expect(html).toContain(">Keep running</button>");
    expect(html).toContain("2 h 13 min of lab time left");
    expect(html).toContain(
      'role="status" aria-live="polite" class="sr-only">Shuts down in about 13 minutes without a console.',
    );
  });

  it("shows no countdown without idle shutdown, and says when the time is used up", () => {
    const html = renderToStaticMarkup(
      createElement(MachineTimers, {
        machineId: "m1",
        initial: {
          ...timers,
          idleShutdownAt: null,
          idleMinutes: null,
          hoursLeftSeconds: 0,
          hoursCounting: false,
          state: "STOPPED",
        },
      }),
    );
    expect(html).not.toContain("Keep running");
    expect(html).not.toContain("Shuts down");
    expect(html).toContain("No lab time left this month");
    expect(
      renderToStaticMarkup(
        createElement(MachineTimers, {
          machineId: "m1",
          initial: { ...timers, idleShutdownAt: null, hoursLeftSeconds: null },
        }),
      ),
    ).toBe("");
  });
});
