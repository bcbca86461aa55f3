// Two portal instances on one database, both metering every 2 s: a run is billed exactly once (to the second)
// and the machine is stopped by one of them, once.
import { describe, expect, it } from "vitest";
import { monthKey } from "../../src/server/quotas/hours";
import { instanceLab } from "../support/instances";
import { classMachine, createLabClass, enroll, sleep } from "../support/lab-class";
import { machine, waitFor, waitForState } from "../support/machines";
import { signedIn, testDb } from "../support/users";

describe("lab hours with two portal instances", () => {
  const lab = instanceLab();

  it("bills the run once and stops the machine once", async () => {
    const cls = await createLabClass({ hoursPerStudent: 1, idleMinutes: 0 });
    const { client: student, user } = await signedIn("STUDENT");
    await enroll(cls.id, user.id);
    const id = await classMachine(lab.admin, lab.templateId, user.id, cls.id, "shared lab");
    const seeded = 3600 - 20;
    await testDb().usageMonth.create({
      data: { userId: user.id, classKey: cls.id, classId: cls.id, month: monthKey(), usedSeconds: seeded },
    });

    expect((await student.json(`/api/machines/${id}/start`, { method: "POST", json: {} })).status).toBe(202);
    await waitForState(student, id, "RUNNING");
    // the other instance's reconciler may see the container stop before the stopping instance records it (and
    // write STOPPED without a detail for a moment); what stays is the stopping instance's result
    const stopped = await waitFor(
      "stopped for hours",
      () => machine(student, id),
      (m) => m.state === "STOPPED" && m.stateDetail !== null,
      60_000,
    );
    expect(stopped.stateDetail).toBe("Stopped: no lab hours left this month");
    await sleep(4500); // both instances pass over the stopped machine a couple of times

    const row = await testDb().machine.findUniqueOrThrow({ where: { id } });
    const used = (
      await testDb().usageMonth.findUniqueOrThrow({
        where: { userId_classKey_month: { userId: user.id, classKey: cls.id, month: monthKey() } },
      })
    ).usedSeconds;
    const ran = ((row.lastStoppedAt?.getTime() ?? 0) - (row.lastStartedAt?.getTime() ?? 0)) / 1000;
    expect(ran).toBeGreaterThan(15);
    expect(Math.abs(used - seeded - ran)).toBeLessThanOrEqual(1.5);
    expect(row.meteredAt?.getTime()).toBe(row.lastStoppedAt?.getTime());
    const stops = await testDb().auditEvent.findMany({ where: { targetId: id, action: "machine.stop" } });
    expect(stops).toHaveLength(1);
    expect(stops[0]?.actorId).toBeNull();
    expect(lab.second?.output()).toMatch(/meter: lab hours/);

    await lab.admin.json(`/api/machines/${id}`, { method: "DELETE" });
  }, 150_000);
});
