// Pure logic of the quotas domain: merging plan and override limits, the first limit a change goes over and
// its message, month keys, hours arithmetic and request summaries.
import { describe, expect, it } from "vitest";
import { firstExceeded, fmtHours, formatMb, quotaMessage } from "@/server/quotas/enforce";
import { minLeft, monthKey } from "@/server/quotas/hours";
import { mergeLimits, type Usage } from "@/server/quotas/limits";
import { requestSummary } from "@/server/quotas/requests";

const student = {
  id: "p1",
  name: "Student",
  maxMachines: 5,
  maxRunning: 2,
  maxVcpus: 4,
  maxMemoryMb: 8192,
  maxDiskGb: 80,
  hoursPerMonth: null,
};
const none: Usage = { machines: 0, running: 0, vcpus: 0, memoryMb: 0, diskGb: 0, hoursUsedSeconds: 0 };

describe("limit merging", () => {
  it("takes the plan's values, replaced field by field by the override; -1 is unlimited", () => {
    expect(mergeLimits(student, null)).toEqual({
      ...student,
      planId: "p1",
      planName: "Student",
      id: undefined,
      name: undefined,
    } as never);
    const merged = mergeLimits(student, { maxMachines: 10, maxRunning: null, maxVcpus: -1, hoursPerMonth: 3 });
    expect(merged).toMatchObject({
      maxMachines: 10,
      maxRunning: 2,
      maxVcpus: null,
      maxMemoryMb: 8192,
      hoursPerMonth: 3,
      planName: "Student",
    });
  });
  it("is unlimited without a plan, apart from what an override sets", () => {
    expect(mergeLimits(null, null)).toMatchObject({
      maxMachines: null,
      maxRunning: null,
      hoursPerMonth: null,
      planId: null,
      planName: null,
    });
    expect(mergeLimits(null, { maxRunning: 1 })).toMatchObject({ maxMachines: null, maxRunning: 1 });
  });
  it("keeps a zero limit (nothing allowed), which is not unlimited", () => {
    expect(mergeLimits({ ...student, maxRunning: 0 }, null).maxRunning).toBe(0);
    expect(mergeLimits(student, { hoursPerMonth: 0 }).hoursPerMonth).toBe(0);
  });
});

describe("limit checks and messages", () => {
  const limits = mergeLimits(student, null);
  it("names the first limit a change goes over, with the usage", () => {
    expect(firstExceeded(limits, none, { running: 1, vcpus: 1, memoryMb: 512 })).toBeNull();
    expect(firstExceeded(limits, { ...none, running: 2 }, { running: 1 })).toBe(
      "Running machines: 2 of 2 in use (plan Student) — stop another machine first, or request more.",
    );
    expect(firstExceeded(limits, { ...none, running: 1, vcpus: 3 }, { running: 1, vcpus: 2 })).toMatch(
      /^vCPUs: 3 of 4 in use by running machines \(plan Student\) — this needs 2 more/,
    );
    expect(firstExceeded(limits, { ...none, running: 1, memoryMb: 7168 }, { running: 1, memoryMb: 2048 })).toMatch(
      /^Memory: 7 GB of 8 GB in use .* needs 2 GB more/,
    );
    expect(firstExceeded(limits, { ...none, machines: 4 }, { machines: 3, diskGb: 3 })).toMatch(
      /^Machines: 4 of 5 in use \(plan Student\) — 3 more would go over the limit/,
    );
    expect(firstExceeded(limits, { ...none, machines: 1, diskGb: 79 }, { machines: 1, diskGb: 2 })).toMatch(
      /^Disk: 79 of 80 GB in use/,
    );
  });
  it("lets a change exactly reach a limit, and ignores unlimited fields and zero changes", () => {
    expect(firstExceeded(limits, { ...none, machines: 4 }, { machines: 1 })).toBeNull();
    expect(firstExceeded(mergeLimits(null, null), { ...none, machines: 999 }, { machines: 1 })).toBeNull();
    expect(firstExceeded(limits, { ...none, running: 5 }, { machines: 0 })).toBeNull();
  });
  it("formats units", () => {
    expect(formatMb(512)).toBe("512 MB");
    expect(formatMb(8192)).toBe("8 GB");
    expect(formatMb(1536)).toBe("1.5 GB");
    expect(fmtHours(36000)).toBe("10 h");
    expect(fmtHours(5400)).toBe("1.5 h");
    expect(quotaMessage("machines", 5, 5, 1, null)).toBe(
      "Machines: 5 of 5 in use — one more would go over the limit. Delete a machine or request more.",
    );
  });
});

describe("hours", () => {
  it("keys months in UTC", () => {
    expect(monthKey(new Date("2026-11-30T23:59:59Z"))).toBe("2026-11");
    expect(monthKey(new Date("2026-12-01T00:00:00Z"))).toBe("2026-12");
    expect(monthKey(new Date("2027-01-01T00:30:00+01:00"))).toBe("2026-12");
    expect(monthKey()).toMatch(/^\d{4}-\d{2}$/);
  });
  it("takes the smaller of two budgets, null being unlimited", () => {
    expect(minLeft(null, null)).toBeNull();
    expect(minLeft(100, null)).toBe(100);
    expect(minLeft(null, 5)).toBe(5);
    expect(minLeft(100, 5)).toBe(5);
  });
});

describe("request summaries", () => {
  it("say what was asked for", () => {
    expect(requestSummary("HOURS", 1)).toBe("1 hour");
    expect(requestSummary("HOURS", 10)).toBe("10 hours");
    expect(requestSummary("MACHINES", 2)).toBe("2 more machines");
    expect(requestSummary("RESOURCES", 4096, "maxMemoryMb")).toBe("4 GB more memory");
    expect(requestSummary("RESOURCES", 1, "maxRunning")).toBe("1 more running machine");
    expect(requestSummary("RESOURCES", 20, "maxDiskGb")).toBe("20 GB more disk");
  });
});
