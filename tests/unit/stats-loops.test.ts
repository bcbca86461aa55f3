// Pure parts of #16's operations items: CPU percentages from cumulative readings, and when a loop counts as late.
import { describe, expect, it } from "vitest";
import { loopRan, loopStarted, loopStates, loopStopped, STALE_PERIODS } from "../../src/server/health/loops";
import { cpuPercent } from "../../src/server/stats/sampler";

describe("cpuPercent", () => {
  it("is the busy share of the given CPUs between two readings", () => {
    expect(cpuPercent(10, 11, 2, 1)).toBe(50);
    expect(cpuPercent(10, 14, 2, 4)).toBe(50);
    expect(cpuPercent(0, 0.123, 1, 1)).toBe(12.3);
  });
  it("is unknown without a previous reading, time or CPUs, and after a counter reset", () => {
    expect(cpuPercent(null, 5, 2, 1)).toBeNull();
    expect(cpuPercent(5, 6, 0, 1)).toBeNull();
    expect(cpuPercent(5, 6, 2, null)).toBeNull();
    expect(cpuPercent(9, 1, 2, 1)).toBeNull();
  });
  it("never exceeds 100", () => {
    expect(cpuPercent(0, 10, 1, 1)).toBe(100);
  });
});

describe("loopStates", () => {
  it("a loop is late after STALE_PERIODS periods and a margin without a pass", () => {
    loopStarted("unit-loop", 2);
    const start = Date.now();
    expect(loopStates(start).find((l) => l.name === "unit-loop")).toMatchObject({ stale: false, lastRunAt: null });
    expect(loopStates(start + STALE_PERIODS * 2000 + 11_000).find((l) => l.name === "unit-loop")?.stale).toBe(true);
    loopRan("unit-loop");
    const ran = loopStates(start + 1000).find((l) => l.name === "unit-loop");
    expect(ran?.stale).toBe(false);
    expect(ran?.lastRunAt).not.toBeNull();
    loopStopped("unit-loop");
    expect(loopStates().some((l) => l.name === "unit-loop")).toBe(false);
  });
});
