// Live updates with two portal instances on one database. On PostgreSQL every event reaches the browsers of both
// instances once (LISTEN/NOTIFY), and a machine stopped through one instance ends its console on the other at
// once. On SQLite (the one-instance database) the bus stays in-process: the other instance hears nothing.
import { describe, expect, inject, it } from "vitest";
import { PortalClient } from "../support/client";
import { instanceLab } from "../support/instances";
import {
  classMachine,
  closed,
  createLabClass,
  enroll,
  eventFeed,
  type FeedEvent,
  openExecConsole,
  sleep,
} from "../support/lab-class";
import { waitFor, waitForState } from "../support/machines";
import type { PortalProcess } from "../support/portal-process";
import { createUser, testDb } from "../support/users";

const postgres = inject("databaseUrl").startsWith("postgres");
const statesOf = (events: FeedEvent[], id: string) =>
  events.filter((e) => e.type === "machine.updated" && e.data.id === id).map((e) => e.data.state as string);

describe(`live updates across portal instances (${postgres ? "PostgreSQL: relayed" : "SQLite: in-process"})`, () => {
  const lab = instanceLab();

  it("brings a change made through one instance to the browsers of the other", async () => {
    const cls = await createLabClass({ hoursPerStudent: 0, idleMinutes: 0 });
    const user = await createUser("STUDENT");
    await enroll(cls.id, user.id);
    const id = await classMachine(lab.admin, lab.templateId, user.id, cls.id, `relay-${Date.now().toString(36)}`);
    const onFirst = new PortalClient(inject("portalUrl"));
    const onSecond = new PortalClient((lab.second as PortalProcess).url);
    for (const c of [onFirst, onSecond]) expect(await c.signIn(user.email, user.password)).toBeNull();
    const here = await eventFeed(onFirst);
    const there = await eventFeed(onSecond);

    expect((await lab.admin.json(`/api/machines/${id}/start`, { method: "POST", json: {} })).status).toBe(202);
    await waitForState(lab.admin, id, "RUNNING");
    await waitFor(
      "RUNNING on the first instance's feed",
      async () => statesOf(here.events, id),
      (s) => s.includes("RUNNING"),
      10_000,
    );
    if (!postgres) {
      await sleep(3000);
      expect(statesOf(there.events, id)).toEqual([]);
      here.close();
      there.close();
      return;
    }
    await waitFor(
      "RUNNING on the second instance's feed",
      async () => statesOf(there.events, id),
      (s) => s.includes("RUNNING"),
      10_000,
    );
    await sleep(1000);
    // the same events on both instances, each once (the order of two instances' events may differ)
    expect(statesOf(there.events, id).sort()).toEqual(statesOf(here.events, id).sort());

    // a console on the second instance ends as soon as the machine is stopped through the first
    const student = onSecond;
    const ws = await openExecConsole(student, id);
    const end = closed(ws);
    await waitFor(
      "the console registered",
      () => testDb().consoleSession.count({ where: { machineId: id, closedAt: null } }),
      (n) => n === 1,
      10_000,
    );
    const asked = Date.now();
    expect((await lab.admin.json(`/api/machines/${id}/stop`, { method: "POST", json: {} })).status).toBe(202);
    expect(await end).toEqual({ code: 4466, reason: "The machine stopped." });
    expect(Date.now() - asked).toBeLessThan(3_000);
    await waitForState(lab.admin, id, "STOPPED");
    await waitFor(
      "STOPPED on the second instance's feed",
      async () => statesOf(there.events, id),
      (s) => s.includes("STOPPED"),
      10_000,
    );
    here.close();
    there.close();
  }, 180_000);
});
