// Console sessions with two portal instances on one database: an admin on one instance lists and disconnects a
// console the other serves, a user disabled on one loses their console on the other, and the consoles of an
// instance that died are closed by the one left (so rosters and idle shutdown stop counting them).
import { describe, expect, it } from "vitest";
import { STALE_REASON } from "../../src/server/cluster/console-heartbeat";
import { PortalClient } from "../support/client";
import { instanceLab } from "../support/instances";
import { classMachine, closed, createLabClass, enroll, openExecConsole } from "../support/lab-class";
import { waitFor, waitForState } from "../support/machines";
import type { PortalProcess } from "../support/portal-process";
import { createUser, testDb } from "../support/users";

type ConsoleRow = { id: string; user: { email: string }; machine: { id: string }; kind: string };

describe("console sessions across portal instances", () => {
  const lab = instanceLab();

  /** A student with a running class machine, signed in on the second instance. */
  async function studentOnSecond() {
    const cls = await createLabClass({ hoursPerStudent: 0, idleMinutes: 0 });
    const user = await createUser("STUDENT");
    await enroll(cls.id, user.id);
    const machineId = await classMachine(
      lab.admin,
      lab.templateId,
      user.id,
      cls.id,
      `two-instances-${Date.now().toString(36)}`,
    );
    expect((await lab.admin.json(`/api/machines/${machineId}/start`, { method: "POST", json: {} })).status).toBe(202);
    await waitForState(lab.admin, machineId, "RUNNING");
    const client = new PortalClient((lab.second as PortalProcess).url);
    expect(await client.signIn(user.email, user.password)).toBeNull();
    return { user, client, machineId };
  }

  it("lets an admin on one instance see and close a console the other serves", async () => {
    const { user, client, machineId } = await studentOnSecond();
    const ws = await openExecConsole(client, machineId);
    const end = closed(ws);
    ws.send(Buffer.from("echo hello-from-b\n"));
    // (the session row is written just after the socket opens)
    const row = await waitFor(
      "the console in the admin list",
      async () =>
        (await lab.admin.json<{ items: ConsoleRow[] }>("/api/admin/consoles")).body.items.find(
          (c) => c.machine.id === machineId,
        ),
      Boolean,
      10_000,
    );
    expect(row).toMatchObject({ user: { email: user.email }, kind: "exec" });
    // the serving instance reports the bytes so far at its heartbeat
    await waitFor(
      "bytes reported",
      () => testDb().consoleSession.findUniqueOrThrow({ where: { id: row?.id as string } }),
      (r) => r.bytesIn > 0n && r.bytesOut > 0n,
      10_000,
    );

    const asked = Date.now();
    expect((await lab.admin.fetch(`/api/admin/consoles/${row?.id}`, { method: "DELETE" })).status).toBe(204);
    expect(await end).toEqual({ code: 4469, reason: "An administrator closed this console." });
    expect(Date.now() - asked).toBeLessThan(5_000);
    const after = await testDb().consoleSession.findUniqueOrThrow({ where: { id: row?.id as string } });
    expect(after.closedAt).not.toBeNull();
    expect(after.closeReason).toBe("An administrator closed this console.");
    expect(
      (await lab.admin.json<{ items: ConsoleRow[] }>("/api/admin/consoles")).body.items.find((c) => c.id === row?.id),
    ).toBeUndefined();
    expect((await lab.admin.fetch(`/api/admin/consoles/${row?.id}`, { method: "DELETE" })).status).toBe(404);
    const audit = await testDb().auditEvent.findFirst({ where: { action: "console.disconnect", targetId: machineId } });
    expect(audit).not.toBeNull();
  }, 120_000);

  it("ends the console on the other instance when an admin disables the user", async () => {
    const { user, client, machineId } = await studentOnSecond();
    const ws = await openExecConsole(client, machineId);
    const end = closed(ws);
    const off = await lab.admin.json(`/api/admin/users/${user.id}`, { method: "PATCH", json: { disabled: true } });
    expect(off.status).toBe(200);
    expect(await end).toEqual({ code: 4403, reason: "Your access changed. Sign in again." });
  }, 120_000);

  it("closes the consoles of an instance that died", async () => {
    const { client, machineId } = await studentOnSecond();
    await openExecConsole(client, machineId);
    const open = await waitFor(
      "the console's row",
      () => testDb().consoleSession.findFirst({ where: { machineId, closedAt: null } }),
      Boolean,
      10_000,
    );
    if (!open) throw new Error("no console row");
    expect(open.instanceId).toContain(`-${(lab.second as PortalProcess).child.pid}-`);
    const died = Date.now();
    (lab.second as PortalProcess).child.kill("SIGKILL");
    lab.second = null;
    const row = await waitFor(
      "the dead instance's console closed",
      () => testDb().consoleSession.findUniqueOrThrow({ where: { id: open.id } }),
      (r) => r.closedAt !== null,
      30_000,
    );
    expect(row.closeReason).toBe(STALE_REASON);
    // three heartbeats of 1 s plus 2 s, and at most one more beat of the instance left
    expect(Date.now() - died).toBeLessThan(10_000);
    expect(
      (await lab.admin.json<{ items: ConsoleRow[] }>("/api/admin/consoles")).body.items.find((c) => c.id === open.id),
    ).toBeUndefined();
  }, 120_000);
});
