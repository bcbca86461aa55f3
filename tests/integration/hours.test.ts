// Lab hours against a real container: running time is metered to the student's month in the class, the student
// is warned at 10 and 2 minutes left, and at zero the machine is stopped by the portal (a system action with
// its reason) — the usage then stops growing and a new start is refused.
import { beforeAll, describe, expect, it } from "vitest";
import { monthKey } from "../../src/server/quotas/hours";
import type { PortalClient } from "../support/client";
import { containerLab } from "../support/container-lab";
import { classMachine, createLabClass, enroll, eventFeed, sleep } from "../support/lab-class";
import { waitFor, waitForState } from "../support/machines";
import { signedIn, testDb } from "../support/users";

type Timers = {
  machineId: string;
  state: string;
  idleShutdownAt: string | null;
  hoursLeftSeconds: number | null;
  hoursCounting: boolean;
  asOf: string;
};

describe("lab hours", () => {
  let admin: PortalClient;
  let templateId: string;

  beforeAll(async () => {
    ({ admin, templateId } = await containerLab());
  });

  it("meters a running machine, warns at 10 and 2 minutes, and stops it when the hours run out", async () => {
    const cls = await createLabClass({ hoursPerStudent: 1, idleMinutes: 0 });
    const { client: student, user } = await signedIn("STUDENT");
    await enroll(cls.id, user.id);
    const id = await classMachine(admin, templateId, user.id, cls.id, "hours lab");
    const usage = { userId_classKey_month: { userId: user.id, classKey: cls.id, month: monthKey() } };
    const seeded = 3600 - 25;
    await testDb().usageMonth.create({
      data: { userId: user.id, classKey: cls.id, classId: cls.id, month: monthKey(), usedSeconds: seeded },
    });
    const used = async () => (await testDb().usageMonth.findUniqueOrThrow({ where: usage })).usedSeconds;

    const feed = await eventFeed(student);
    const started = await student.json(`/api/machines/${id}/start`, { method: "POST", json: {} });
    expect(started.status).toBe(202);
    await waitForState(student, id, "RUNNING");

    // warned once for each threshold, with what the card and the toast need
    const warnings = await waitFor(
      "two hours warnings",
      async () => feed.events.filter((e) => e.type === "hours.warning"),
      (w) => w.length >= 2,
      15_000,
    );
    expect(warnings.map((w) => w.data.minutes)).toEqual([10, 2]);
    for (const w of warnings) {
      expect(w.data).toMatchObject({ machineId: id, machineName: "hours lab", className: cls.name });
      expect(w.data.secondsLeft as number).toBeGreaterThan(0);
      expect(w.data.secondsLeft as number).toBeLessThanOrEqual(25);
    }
    expect((await testDb().machine.findUniqueOrThrow({ where: { id } })).hoursWarned).toBe("10,2");

    // the usage grows while the machine runs, and the timers count down
    const before = await used();
    await sleep(4500);
    const during = await used();
    expect(during).toBeGreaterThan(before);
    const timers = await student.json<Timers>(`/api/machines/${id}/timers`);
    expect(timers.status).toBe(200);
    expect(timers.body.hoursCounting).toBe(true);
    expect(timers.body.hoursLeftSeconds).toBeGreaterThanOrEqual(0);
    expect(timers.body.hoursLeftSeconds).toBeLessThan(25);
    expect(timers.body.idleShutdownAt).toBeNull(); // idle shutdown is off in this class

    // at zero: stopped by the portal, gracefully (the container's stop timeout applies), with the reason shown
    const stopped = await waitForState(student, id, "STOPPED", 60_000);
    expect(stopped.stateDetail).toBe("Stopped: no lab hours left this month");
    const row = await testDb().machine.findUniqueOrThrow({ where: { id } });
    const audit = await testDb().auditEvent.findFirst({
      where: { targetId: id, action: "machine.stop" },
      orderBy: { at: "desc" },
    });
    expect(audit?.actorId).toBeNull();
    expect(JSON.parse(audit?.details ?? "{}")).toEqual({ reason: "hours" });
    // the machine was claimed for the stop within a meter interval or two of running out
    const ranOutAt = (row.lastStartedAt?.getTime() ?? 0) + 25_000;
    expect(audit?.at.getTime()).toBeGreaterThanOrEqual(ranOutAt - 1000);
    expect(audit?.at.getTime()).toBeLessThan(ranOutAt + 6000);
    const state = (await testDb().machine.findUniqueOrThrow({ where: { id } })).state;
    expect(state).toBe("STOPPED");

    // billed exactly the run, from start to stop (to the second), then nothing more
    await sleep(3000);
    const after = await used();
    const ran = ((row.lastStoppedAt?.getTime() ?? 0) - (row.lastStartedAt?.getTime() ?? 0)) / 1000;
    expect(Math.abs(after - seeded - ran)).toBeLessThanOrEqual(1.5);
    await sleep(4500);
    expect(await used()).toBe(after);
    const idle = await student.json<Timers>(`/api/machines/${id}/timers`);
    expect(idle.body).toMatchObject({ hoursLeftSeconds: 0, hoursCounting: false, state: "STOPPED" });

    // the warnings start over on the next run: hoursWarned was cleared at the stop
    expect((await testDb().machine.findUniqueOrThrow({ where: { id } })).hoursWarned).toBeNull();
    // and no new start without hours
    const again = await student.json<{ error: { code: string; message: string } }>(`/api/machines/${id}/start`, {
      method: "POST",
      json: {},
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("QUOTA_EXCEEDED");
    feed.close();

    // another student cannot read these timers
    const { client: other } = await signedIn("STUDENT");
    expect((await other.json(`/api/machines/${id}/timers`)).status).toBe(404);

    await admin.json(`/api/machines/${id}`, { method: "DELETE" });
  }, 150_000);
});
