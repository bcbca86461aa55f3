// Jobs with two portal instances on one database: a job belongs to the instance running it. A starting instance
// leaves a live instance's job alone; when the owner dies (kill -9), the instance left cleans up the interrupted
// item and finishes the job. The jobs are deploy jobs written as the owner would have left them mid-item.
import { describe, expect, it } from "vitest";
import { instanceLab, secondInstance } from "../support/instances";
import { sleep } from "../support/lab-class";
import { docker, machine, waitFor } from "../support/machines";
import type { PortalProcess } from "../support/portal-process";
import { testDb } from "../support/users";

describe("jobs across portal instances", () => {
  const lab = instanceLab({ startSecond: false });

  /** The instances alive now: their lease is valid and their process runs (all run on this machine here). */
  const instances = async () =>
    (await testDb().lease.findMany({ where: { name: { startsWith: "instance:" }, expiresAt: { gt: new Date() } } }))
      .map((l) => l.holder)
      .filter((id) => {
        try {
          return process.kill(Number(/-(\d+)-[0-9a-f]+$/.exec(id)?.[1]), 0);
        } catch {
          return false;
        }
      });

  /** A deploy job of one machine, RUNNING on `owner` with its item in the middle of being created. */
  async function jobInProgress(owner: string) {
    const template = await testDb().template.findUniqueOrThrow({ where: { id: lab.templateId } });
    const adminRow = await testDb().user.findFirstOrThrow({ where: { role: "ADMIN" } });
    const job = await testDb().job.create({
      data: {
        kind: "deploy",
        title: "Create 1 machine",
        createdById: adminRow.id,
        total: 1,
        status: "RUNNING",
        startedAt: new Date(),
        ownerInstance: owner,
        payload: JSON.stringify({ templateId: lab.templateId }),
      },
    });
    const m = await testDb().machine.create({
      data: {
        name: `takeover-${Date.now().toString(36)}`,
        ownerId: adminRow.id,
        templateId: lab.templateId,
        hostId: lab.dockerHostId,
        kind: "DOCKER",
        role: "PERSONAL",
        state: "PROVISIONING",
        stateDetail: "Creating…",
        vcpus: template.vcpus,
        memoryMb: template.memoryMb,
        diskGb: template.diskGb,
        jobId: job.id,
      },
    });
    const item = await testDb().jobItem.create({
      data: { jobId: job.id, position: 0, label: m.name, machineId: m.id, status: "RUNNING", startedAt: new Date() },
    });
    return { job, machineId: m.id, itemId: item.id };
  }

  it("a starting instance leaves the job of a live instance alone", async () => {
    const alive = await instances();
    expect(alive).toHaveLength(1); // the test portal
    const first = alive[0];
    const { job, machineId, itemId } = await jobInProgress(first as string);
    const started = await secondInstance({ whenQuiet: false });
    lab.second = started.portal;
    expect(lab.second.output()).toMatch(/1 other portal instance\(s\) on this database/);
    await sleep(4000); // four heartbeats of both instances
    expect(await testDb().job.findUniqueOrThrow({ where: { id: job.id } })).toMatchObject({
      status: "RUNNING",
      ownerInstance: first,
    });
    expect(await testDb().jobItem.findUniqueOrThrow({ where: { id: itemId } })).toMatchObject({ status: "RUNNING" });
    expect(await testDb().machine.findUniqueOrThrow({ where: { id: machineId } })).toMatchObject({
      state: "PROVISIONING",
      stateDetail: "Creating…",
    });
    expect(lab.second.output()).not.toMatch(/resuming job/);
    // (the job was written by the test, so its owner does not run it: put it out of the way)
    await testDb().job.update({
      where: { id: job.id },
      data: { status: "FAILED", ownerInstance: null, finishedAt: new Date() },
    });
    await testDb().machine.delete({ where: { id: machineId } });
  }, 120_000);

  it("when the instance running a job dies, the one left cleans up the interrupted item and finishes the job", async () => {
    const pid = (lab.second as PortalProcess).child.pid;
    const owner = (await instances()).find((id) => id.includes(`-${pid}-`));
    expect(owner).toBeTruthy();
    const { job, machineId } = await jobInProgress(owner as string);
    await sleep(2500);
    expect((await testDb().job.findUniqueOrThrow({ where: { id: job.id } })).status).toBe("RUNNING");

    (lab.second as PortalProcess).child.kill("SIGKILL");
    await new Promise((r) => (lab.second as PortalProcess).child.once("exit", r));
    lab.second = null;
    const done = await waitFor(
      "the job finished by the instance left",
      () => testDb().job.findUniqueOrThrow({ where: { id: job.id } }),
      (j) => j.status !== "RUNNING",
      60_000,
    );
    expect(done).toMatchObject({ status: "SUCCEEDED", done: 1, failed: 0, ownerInstance: null });
    const m = await machine(lab.admin, machineId);
    expect(m.state).toBe("STOPPED");
    const ref = (await testDb().machine.findUniqueOrThrow({ where: { id: machineId } })).providerRef as string;
    expect(docker("inspect", "-f", "{{.State.Status}}", ref).trim()).toBe("created");
    await lab.admin.json(`/api/machines/${machineId}`, { method: "DELETE" });
    await waitFor(
      "deleted",
      () => lab.admin.fetch(`/api/machines/${machineId}`).then((r) => r.status),
      (s) => s === 404,
      60_000,
    );
  }, 120_000);
});
