// Idle auto-shutdown against real containers, in a class with 1 idle minute: a running machine with no console
// is stopped after a minute; one with an exec console open through the portal keeps running; "keep running"
// pushes the deadline by the idle minutes; the countdown reaches the card as "machine.timers" events.
import { beforeAll, describe, expect, it } from "vitest";
import type { PortalClient } from "../support/client";
import { containerLab } from "../support/container-lab";
import { classMachine, createLabClass, enroll, eventFeed, openExecConsole, sleep } from "../support/lab-class";
import { machine, waitFor, waitForState } from "../support/machines";
import { signedIn, testDb } from "../support/users";

type Timers = {
  machineId: string;
  state: string;
  idleShutdownAt: string | null;
  idleMinutes: number | null;
  keepRunningUntil: string | null;
  hoursLeftSeconds: number | null;
  asOf: string;
};

const seconds = (a: Date | string | null | undefined, b: Date | string | null | undefined) =>
  (new Date(a ?? 0).getTime() - new Date(b ?? 0).getTime()) / 1000;

describe("idle shutdown", () => {
  let admin: PortalClient;
  let templateId: string;

  beforeAll(async () => {
    ({ admin, templateId } = await containerLab());
  });

  it("stops a machine without a console after the idle minutes, keeps one with a console, and keep running pushes the deadline", async () => {
    const cls = await createLabClass({ hoursPerStudent: 0, idleMinutes: 1 });
    const a = await signedIn("STUDENT");
    const b = await signedIn("STUDENT");
    const c = await signedIn("STUDENT");
    for (const s of [a, b, c]) await enroll(cls.id, s.user.id);
    const idleId = await classMachine(admin, templateId, a.user.id, cls.id, "idle lab");
    const consoleId = await classMachine(admin, templateId, b.user.id, cls.id, "console lab");
    const keptId = await classMachine(admin, templateId, c.user.id, cls.id, "kept lab");

    // keep running only applies to a running machine
    const early = await c.client.json<{ error: { code: string } }>(`/api/machines/${keptId}/keep-running`, {
      method: "POST",
      json: {},
    });
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe("INVALID_STATE");

    const feedC = await eventFeed(c.client);
    for (const [s, id] of [
      [a, idleId],
      [b, consoleId],
      [c, keptId],
    ] as const) {
      const res = await s.client.json(`/api/machines/${id}/start`, { method: "POST", json: {} });
      expect(res.status).toBe(202);
    }
    for (const id of [idleId, consoleId, keptId]) await waitForState(admin, id, "RUNNING");
    const startedAt = async (id: string) => (await testDb().machine.findUniqueOrThrow({ where: { id } })).lastStartedAt;

    // B opens a console right away and keeps it open
    const consoleWs = await openExecConsole(b.client, consoleId);

    // the countdown: one idle minute from the start, pushed to the card
    const timersA = await a.client.json<Timers>(`/api/machines/${idleId}/timers`);
    expect(timersA.status).toBe(200);
    expect(timersA.body.idleMinutes).toBe(1);
    expect(Math.abs(seconds(timersA.body.idleShutdownAt, await startedAt(idleId)) - 60)).toBeLessThanOrEqual(1);
    expect(timersA.body.hoursLeftSeconds).toBeNull(); // no class budget, no plan hours
    const pushed = await waitFor(
      "timers pushed to C",
      async () =>
        feedC.events.find((e) => e.type === "machine.timers" && e.data.machineId === keptId && e.data.idleShutdownAt),
      Boolean,
      15_000,
    );
    expect(Math.abs(seconds(pushed?.data.idleShutdownAt as string, await startedAt(keptId)) - 60)).toBeLessThanOrEqual(
      1,
    );
    await waitFor(
      "console counted",
      async () => (await b.client.json<Timers>(`/api/machines/${consoleId}/timers`)).body,
      (t) => t.idleShutdownAt === null,
      10_000,
    );

    // only the owner, the class's teachers and admins may hold the shutdown off
    expect((await a.client.json(`/api/machines/${keptId}/keep-running`, { method: "POST", json: {} })).status).toBe(
      404,
    );

    // C presses "keep running" after ~30 s: the deadline moves to a minute from then
    await waitFor(
      "half the idle minute",
      async () => seconds(new Date(), await startedAt(keptId)),
      (s) => s >= 30,
      40_000,
    );
    const kept = await c.client.json<Timers>(`/api/machines/${keptId}/keep-running`, { method: "POST", json: {} });
    expect(kept.status).toBe(200);
    expect(Math.abs(seconds(kept.body.idleShutdownAt, kept.body.asOf) - 60)).toBeLessThanOrEqual(1);
    expect(kept.body.keepRunningUntil).toBe(kept.body.idleShutdownAt);
    expect(seconds(kept.body.idleShutdownAt, await startedAt(keptId))).toBeGreaterThanOrEqual(89);
    await waitFor(
      "pushed deadline",
      async () =>
        feedC.events.filter((e) => e.type === "machine.timers" && e.data.idleShutdownAt === kept.body.idleShutdownAt),
      (l) => l.length > 0,
      5000,
    );
    const audit = await testDb().auditEvent.findFirst({ where: { targetId: keptId, action: "machine.keep_running" } });
    expect(audit?.actorId).toBe(c.user.id);

    // A: stopped a minute after its start (claimed within a meter interval or two), with the reason
    const stoppedA = await waitForState(a.client, idleId, "STOPPED", 100_000);
    expect(stoppedA.stateDetail).toBe("Stopped after 1 minute without a console");
    const stopAudit = await testDb().auditEvent.findFirst({ where: { targetId: idleId, action: "machine.stop" } });
    expect(stopAudit?.actorId).toBeNull();
    expect(JSON.parse(stopAudit?.details ?? "{}")).toEqual({ reason: "idle" });
    const claimedAfter = seconds(stopAudit?.at, await startedAt(idleId));
    expect(claimedAfter).toBeGreaterThanOrEqual(60);
    expect(claimedAfter).toBeLessThan(66);

    // B (console open) and C (kept) still run past A's deadline
    expect((await machine(admin, consoleId)).state).toBe("RUNNING");
    expect((await machine(admin, keptId)).state).toBe("RUNNING");

    // C stops at its pushed deadline
    const stoppedC = await waitForState(c.client, keptId, "STOPPED", 60_000);
    expect(stoppedC.stateDetail).toBe("Stopped after 1 minute without a console");
    const cAudit = await testDb().auditEvent.findFirst({ where: { targetId: keptId, action: "machine.stop" } });
    expect(seconds(cAudit?.at, kept.body.idleShutdownAt)).toBeGreaterThanOrEqual(0);
    expect(seconds(cAudit?.at, kept.body.idleShutdownAt)).toBeLessThan(6);
    expect((await machine(admin, consoleId)).state).toBe("RUNNING");

    // B closes the console: the countdown starts from that moment
    consoleWs.close();
    const session = await waitFor(
      "session closed",
      () => testDb().consoleSession.findFirst({ where: { machineId: consoleId }, orderBy: { openedAt: "desc" } }),
      (s) => Boolean(s?.closedAt),
      10_000,
    );
    const afterClose = await waitFor(
      "countdown after the console",
      async () => (await b.client.json<Timers>(`/api/machines/${consoleId}/timers`)).body,
      (t) => t.idleShutdownAt !== null,
      10_000,
    );
    expect(Math.abs(seconds(afterClose.idleShutdownAt, session?.closedAt) - 60)).toBeLessThanOrEqual(1);
    feedC.close();

    for (const id of [idleId, consoleId, keptId]) await admin.json(`/api/machines/${id}`, { method: "DELETE" });
    await sleep(500);
  }, 240_000);
});
