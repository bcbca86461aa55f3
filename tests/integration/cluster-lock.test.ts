// Locks shared by portal instances (cluster/lock.ts withClusterLock): placement waits while another instance holds
// the lease, takes over the lease of an instance that died, and two real instances on one database never both
// place a machine in a host's last free slot.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acquireLease, releaseLease } from "../../src/server/cluster/lock";
import type { PortalClient } from "../support/client";
import { instanceLab, secondInstance } from "../support/instances";
import { sleep } from "../support/lab-class";
import { waitFor, waitForJob } from "../support/machines";
import { testDb } from "../support/users";

type Created = { job: { id: string }; machines: { id: string }[] };
type Refusal = { error: { code: string; message: string } };

describe("cluster locks across portal instances", () => {
  const lab = instanceLab({ startSecond: false });
  let hostId: string;

  beforeAll(async () => {
    // a host of its own with room for one machine (the same Docker daemon as it-docker)
    const host = await lab.admin.json<{ id: string }>("/api/admin/hosts", {
      method: "POST",
      json: {
        name: `one-slot-${Date.now().toString(36)}`,
        kind: "DOCKER",
        uri: "unix:///var/run/docker.sock",
        vcpus: 4,
        memoryMb: 4096,
        diskGb: 20,
        maxMachines: 1,
      },
    });
    expect(host.status).toBe(201);
    hostId = host.body.id;
  });

  afterAll(async () => {
    if (hostId) await lab.admin.fetch(`/api/admin/hosts/${hostId}`, { method: "DELETE" });
  });

  const create = (client: PortalClient, name: string) =>
    client.json<Created | Refusal>("/api/machines", {
      method: "POST",
      json: { templateId: lab.templateId, name, hostId },
    });

  async function removeMachine(created: Created) {
    expect((await waitForJob(lab.admin, created.job.id)).status).toBe("SUCCEEDED");
    const id = created.machines[0]?.id as string;
    await lab.admin.json(`/api/machines/${id}`, { method: "DELETE" });
    await waitFor(
      "machine deleted",
      () => lab.admin.fetch(`/api/machines/${id}`).then((r) => r.status),
      (s) => s === 404,
      60_000,
    );
  }

  it("waits while another instance holds the placement lease, and goes on when it is released", async () => {
    await acquireLease(testDb(), "placement", "other-instance", { ttlMs: 60_000 });
    let settled = false;
    const pending = create(lab.admin, "waits-for-lease").finally(() => {
      settled = true;
    });
    try {
      await sleep(1500);
      expect(settled).toBe(false);
    } finally {
      await releaseLease(testDb(), "placement", "other-instance");
    }
    const res = await pending;
    expect(res.status).toBe(202);
    expect(await testDb().lease.count({ where: { name: "placement" } })).toBe(0);
    await removeMachine(res.body as Created);
  }, 120_000);

  it("takes over the lease of an instance that died holding it", async () => {
    await testDb().lease.create({
      data: { name: "placement", holder: "crashed-instance", expiresAt: new Date(Date.now() - 1000) },
    });
    const started = Date.now();
    const res = await create(lab.admin, "after-crash");
    expect(res.status).toBe(202);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await testDb().lease.count({ where: { name: "placement" } })).toBe(0);
    await removeMachine(res.body as Created);
  }, 120_000);

  it("lets exactly one of six concurrent requests on two instances take the host's last slot", async () => {
    const started = await secondInstance();
    lab.second = started.portal;
    const other = started.admin;

    // both instances warmed up (a refused create runs the whole route), then the requests go out together
    const full = await lab.admin.json<{ id: string }>("/api/admin/hosts", {
      method: "POST",
      json: {
        name: `full-${Date.now().toString(36)}`,
        kind: "DOCKER",
        uri: "unix:///var/run/docker.sock",
        vcpus: 1,
        memoryMb: 64,
        diskGb: 1,
        maxMachines: 1,
      },
    });
    for (const client of [lab.admin, other])
      expect(
        (
          await client.json("/api/machines", {
            method: "POST",
            json: { templateId: lab.templateId, name: "warm-up", hostId: full.body.id },
          })
        ).status,
      ).toBe(409);
    await lab.admin.fetch(`/api/admin/hosts/${full.body.id}`, { method: "DELETE" });
    const results = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => create(i % 2 ? other : lab.admin, `race-${i}`)));
    const placed = results.filter((r) => r.status === 202);
    const refused = results.filter((r) => r.status === 409);
    expect(placed).toHaveLength(1);
    expect(refused).toHaveLength(5);
    for (const r of refused) {
      expect((r.body as Refusal).error.code).toBe("NO_CAPACITY");
      expect((r.body as Refusal).error.message).toMatch(/has its maximum of 1 machines/);
    }
    expect(await testDb().machine.count({ where: { hostId } })).toBe(1);
    await removeMachine(placed[0]?.body as Created);
  }, 240_000);
});
