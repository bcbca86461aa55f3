// Getting a class out of trouble (issue #14, items 15 and 16), against a real portal, real containers and real
// libvirt: a student cannot delete their class machine and a teacher re-creates a missing one from the roster;
// machines of one class created at once on one host share its network (made once, under the cluster lock); a
// deploy that failed for real (its image gone) is shown as needing attention, and its failed items are retried
// after the fix; the jobs list shows it.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dockerTestImage, requireAssets } from "../support/assets";
import type { PortalClient } from "../support/client";
import { containerLab } from "../support/container-lab";
import { createVmTemplate, docker, ensureHosts, virsh, waitFor, waitForJob, waitForState } from "../support/machines";
import { signedIn, signedInAdmin, testDb } from "../support/users";

type ClassRow = {
  id: string;
  status: string;
  statusDetail: string | null;
  poolReady: number;
  poolFailed?: number;
  poolRetryAt?: string | null;
  attentionJobId?: string | null;
  teacherMachineId: string | null;
  myMachineId: string | null;
};
type Job = {
  id: string;
  kind: string;
  status: string;
  failed: number;
  classId?: string | null;
  retryable?: boolean;
  items: { label: string; status: string; machineId: string | null; error: string | null }[];
};
type Err = { error: { code: string; message: string } };

async function newClass(teacher: PortalClient, templateId: string, extra: Record<string, unknown> = {}) {
  const res = await teacher.json<{ class: ClassRow; job: Job }>("/api/classes", {
    method: "POST",
    json: {
      name: `Recovery ${Date.now().toString(36)}`,
      templateId,
      hoursPerStudent: 5,
      idleMinutes: 0,
      maxStudents: 10,
      poolSize: 0,
      isolatedNetwork: false,
      ...extra,
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return res.body;
}

async function joinWithInvite(teacher: PortalClient, classId: string, student: PortalClient) {
  const link = await teacher.json<{ code: string }>(`/api/classes/${classId}/invites`, { method: "POST", json: {} });
  expect(link.status, JSON.stringify(link.body)).toBe(201);
  const joined = await student.json<{ machine: { id: string }; job: { id: string } | null }>(
    `/api/invites/${link.body.code}/join`,
    { method: "POST" },
  );
  expect(joined.status, JSON.stringify(joined.body)).toBe(201);
  if (joined.body.job) expect((await waitForJob(student, joined.body.job.id, 180_000)).status).toBe("SUCCEEDED");
  return { machineId: joined.body.machine.id, code: link.body.code };
}

describe("class machines a student cannot lose", { timeout: 600_000 }, () => {
  let templateId: string;

  beforeAll(async () => {
    ({ templateId } = await containerLab());
  });

  it("a student's DELETE of their class machine is refused; the teacher deletes it and re-creates it from the roster", async () => {
    const { client: teacher } = await signedIn("TEACHER");
    const created = await newClass(teacher, templateId);
    expect((await waitForJob(teacher, created.job.id, 180_000)).status).toBe("SUCCEEDED");
    const classId = created.class.id;
    const { client: student, user } = await signedIn("STUDENT");
    const { machineId, code } = await joinWithInvite(teacher, classId, student);

    // the student: refused with a sentence, and the row says so for the page's disabled Delete
    const row = await student.json<{ deleteRefusal?: string | null }>(`/api/machines/${machineId}`);
    expect(row.body.deleteRefusal).toBe("This machine belongs to your class; use Revert to reset it.");
    const refused = await student.json<Err>(`/api/machines/${machineId}`, { method: "DELETE" });
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toBe("This machine belongs to your class; use Revert to reset it.");
    expect(await testDb().machine.findUnique({ where: { id: machineId } })).not.toBeNull();
    // the teacher sees no refusal
    expect(
      (await teacher.json<{ deleteRefusal?: string | null }>(`/api/machines/${machineId}`)).body.deleteRefusal ?? null,
    ).toBeNull();

    // re-creating while the machine exists is refused
    const exists = await teacher.json<Err>(`/api/classes/${classId}/students/${user.id}/machine`, { method: "POST" });
    expect(exists.status).toBe(409);

    // the teacher deletes it: the student is enrolled with no machine, the invite says "already in this class"
    expect((await teacher.json(`/api/machines/${machineId}`, { method: "DELETE" })).status).toBe(202);
    await waitFor(
      "machine gone",
      () => testDb().machine.findUnique({ where: { id: machineId } }),
      (m) => m === null,
      60_000,
    );
    const roster = await teacher.json<{ items: { user: { id: string }; machine: unknown }[] }>(
      `/api/classes/${classId}/roster`,
    );
    expect(roster.body.items.find((r) => r.user.id === user.id)?.machine).toBeNull();
    const again = await student.json<{ alreadyEnrolled: boolean; machine: unknown }>(`/api/invites/${code}/join`, {
      method: "POST",
    });
    expect(again.body.alreadyEnrolled).toBe(true);
    expect(again.body.machine).toBeNull();

    // a student cannot re-create; the teacher can, through the same provisioning (a deploy job)
    expect((await student.json(`/api/classes/${classId}/students/${user.id}/machine`, { method: "POST" })).status).toBe(
      403,
    );
    const re = await teacher.json<{ machine: { id: string; role: string; owner: { id: string } }; job: Job }>(
      `/api/classes/${classId}/students/${user.id}/machine`,
      { method: "POST" },
    );
    expect(re.status, JSON.stringify(re.body)).toBe(202);
    expect(re.body.machine.role).toBe("STUDENT");
    expect(re.body.machine.owner.id).toBe(user.id);
    expect((await waitForJob(teacher, re.body.job.id, 180_000)).status).toBe("SUCCEEDED");

    // the student has a new working machine
    const mine = await student.json<{ items: { machine: { id: string } }[] }>("/api/me/labs");
    expect(mine.body.items.map((i) => i.machine.id)).toContain(re.body.machine.id);
    expect((await student.json(`/api/machines/${re.body.machine.id}/start`, { method: "POST", json: {} })).status).toBe(
      202,
    );
    await waitForState(student, re.body.machine.id, "RUNNING", 90_000);
    const ref = (await testDb().machine.findUniqueOrThrow({ where: { id: re.body.machine.id } })).providerRef as string;
    expect(docker("inspect", "-f", "{{.State.Running}}", ref).trim()).toBe("true");
    expect(
      (await student.json(`/api/machines/${re.body.machine.id}/stop`, { method: "POST", json: { force: true } }))
        .status,
    ).toBe(202);
    await waitForState(student, re.body.machine.id, "STOPPED", 90_000);
  });

  it("a machine removed behind the portal's back and then deleted by the teacher can be re-created", async () => {
    const { client: teacher } = await signedIn("TEACHER");
    const created = await newClass(teacher, templateId);
    expect((await waitForJob(teacher, created.job.id, 180_000)).status).toBe("SUCCEEDED");
    const { client: student, user } = await signedIn("STUDENT");
    const { machineId } = await joinWithInvite(teacher, created.class.id, student);
    const ref = (await testDb().machine.findUniqueOrThrow({ where: { id: machineId } })).providerRef as string;
    docker("rm", "-f", ref); // gone from the host
    expect((await teacher.json(`/api/machines/${machineId}`, { method: "DELETE" })).status).toBe(202);
    await waitFor(
      "machine row gone",
      () => testDb().machine.findUnique({ where: { id: machineId } }),
      (m) => m === null,
      60_000,
    );
    const re = await teacher.json<{ machine: { id: string }; job: Job }>(
      `/api/classes/${created.class.id}/students/${user.id}/machine`,
      { method: "POST" },
    );
    expect(re.status, JSON.stringify(re.body)).toBe(202);
    expect((await waitForJob(teacher, re.body.job.id, 180_000)).status).toBe("SUCCEEDED");
    expect(
      (await student.json<{ myMachineId: string | null }>(`/api/classes/${created.class.id}`)).body.myMachineId,
    ).toBe(re.body.machine.id);
  });
});

describe("failed deploys: attention, retry and the jobs list", { timeout: 600_000 }, () => {
  const tag = `lp-it-retry-${randomBytes(4).toString("hex")}:1`;
  afterAll(() => {
    try {
      docker("rmi", tag);
    } catch {
      // already gone
    }
  });

  it("a class whose image is gone fails for real, says it needs attention, and is retried after the image is back", async () => {
    await requireAssets("docker");
    const admin = await signedInAdmin();
    await ensureHosts(admin);
    docker("tag", dockerTestImage(), tag);
    const t = await admin.json<{ id: string }>("/api/templates", {
      method: "POST",
      json: {
        name: `retry-${Date.now().toString(36)}`,
        kind: "DOCKER",
        dockerImage: tag,
        vcpus: 1,
        memoryMb: 128,
        diskGb: 1,
        consoleKinds: ["exec"],
        shell: "/bin/bash",
      },
    });
    expect(t.status, JSON.stringify(t.body)).toBe(201);
    docker("rmi", tag); // the template's image disappears from the host

    const { client: teacher } = await signedIn("TEACHER");
    const created = await newClass(teacher, t.body.id, { poolSize: 1 });
    const failed = await waitForJob(teacher, created.job.id, 180_000);
    expect(failed.status).toBe("FAILED");
    expect(failed.items.every((i) => i.status === "FAILED")).toBe(true);
    expect(failed.items[0]?.error).toContain(tag);

    // the class says so truthfully: not just "Ready", the failed pool machine with its automatic retry, a link
    const cls = await waitFor(
      "class status",
      async () => (await teacher.json<ClassRow>(`/api/classes/${created.class.id}`)).body,
      (c) => c.status === "READY",
      30_000,
    );
    expect(cls.statusDetail).toMatch(/^3 of 3 deploy steps failed/);
    expect(cls.attentionJobId).toBe(created.job.id);
    expect(cls.poolFailed).toBe(1);
    expect(new Date(cls.poolRetryAt as string).getTime()).toBeGreaterThan(Date.now());
    const pool = await testDb().machine.findFirstOrThrow({ where: { classId: created.class.id, role: "POOL" } });
    expect(pool.state).toBe("FAILED");
    expect(pool.stateDetail).toMatch(/Retrying automatically at \d\d:\d\d UTC \(attempt 1 of 3\)/);

    // the jobs list: the teacher sees the class's job with its items and errors; students see none of it
    const list = await teacher.json<{ items: Job[] }>("/api/jobs");
    const listed = list.body.items.find((j) => j.id === created.job.id);
    expect(listed?.classId).toBe(created.class.id);
    expect(listed?.retryable).toBe(true);
    expect(listed?.items.map((i) => i.error)).toEqual(expect.arrayContaining([expect.stringContaining(tag)]));
    const { client: student } = await signedIn("STUDENT");
    expect((await student.json<{ items: Job[] }>("/api/jobs")).body.items.map((j) => j.id)).not.toContain(
      created.job.id,
    );
    expect((await student.json(`/api/jobs/${created.job.id}/retry`, { method: "POST" })).status).toBe(404);
    expect((await teacher.json("/api/jobs?scope=all")).status).toBe(403);
    expect((await admin.json<{ items: Job[] }>("/api/jobs?scope=all")).body.items.map((j) => j.id)).toContain(
      created.job.id,
    );

    // the automatic retry, made due now instead of in a minute: the sweep runs the pool machine again (only it),
    // which fails again for real, and the next attempt is scheduled further out
    const before = await testDb().job.findUniqueOrThrow({ where: { id: created.job.id } });
    await testDb().job.update({
      where: { id: before.id },
      data: {
        payload: JSON.stringify({ ...JSON.parse(before.payload), retryAt: new Date(Date.now() - 1000).toISOString() }),
      },
    });
    await waitFor(
      "the automatic retry",
      () => testDb().machine.findUniqueOrThrow({ where: { id: pool.id } }),
      (m) => /attempt 2 of 3/.test(m.stateDetail ?? ""),
      90_000,
    );
    const auto = await testDb().job.findUniqueOrThrow({ where: { id: before.id }, include: { items: true } });
    expect(JSON.parse(auto.payload).autoRetries).toBe(1);
    expect(new Date(JSON.parse(auto.payload).retryAt).getTime()).toBeGreaterThan(Date.now() + 3 * 60_000); // 5 minutes
    const poolItem = auto.items.find((i) => i.machineId === pool.id);
    const teacherItem = auto.items.find((i) => i.machineId && i.machineId !== pool.id);
    expect(poolItem?.startedAt?.getTime()).toBeGreaterThan(teacherItem?.startedAt?.getTime() ?? 0); // only the pool machine ran again

    // retried by hand before the fix: fails again, for real
    const early = await teacher.json<Job>(`/api/jobs/${created.job.id}/retry`, { method: "POST" });
    expect(early.status, JSON.stringify(early.body)).toBe(202);
    expect((await waitForJob(teacher, created.job.id, 180_000)).status).toBe("FAILED");

    // the fix (the image is back), then retry: every item runs again and the class is fine
    docker("tag", dockerTestImage(), tag);
    const retry = await teacher.json<Job>(`/api/jobs/${created.job.id}/retry`, { method: "POST" });
    expect(retry.status, JSON.stringify(retry.body)).toBe(202);
    expect((await teacher.json<Err>(`/api/jobs/${created.job.id}/retry`, { method: "POST" })).status).toBe(409); // running already
    const done = await waitForJob(teacher, created.job.id, 180_000);
    expect(done.status, JSON.stringify(done)).toBe("SUCCEEDED");
    const fixed = await waitFor(
      "class fixed",
      async () => (await teacher.json<ClassRow>(`/api/classes/${created.class.id}`)).body,
      (c) => c.statusDetail === null,
      30_000,
    );
    expect(fixed.attentionJobId ?? null).toBeNull();
    expect(fixed.poolReady).toBe(1);
    expect(fixed.poolFailed).toBe(0);
    expect(fixed.teacherMachineId).toBeTruthy();
    expect((await testDb().machine.findUniqueOrThrow({ where: { id: pool.id } })).state).toBe("STOPPED");
  });
});

describe("a class network made once", { timeout: 600_000 }, () => {
  it("machines of one libvirt class created at once on one host all succeed (no network race)", async () => {
    await requireAssets("libvirt");
    const admin = await signedInAdmin();
    await ensureHosts(admin);
    const templateId = await createVmTemplate(admin);
    const { client: teacher } = await signedIn("TEACHER");
    // the teacher's machine and three pool machines are provisioned concurrently; each asks for the class network
    const created = await newClass(teacher, templateId, { isolatedNetwork: true, poolSize: 3 });
    const job = await waitForJob(teacher, created.job.id, 300_000);
    expect(job.status, JSON.stringify(job)).toBe("SUCCEEDED");
    const net = `lpc-${created.class.id.slice(-10)}`;
    expect(virsh("net-info", net)).toMatch(/Active:\s+yes/);
    const machines = await testDb().machine.findMany({ where: { classId: created.class.id } });
    expect(machines).toHaveLength(4);
    for (const m of machines) {
      expect(m.state).toBe("STOPPED");
      expect(virsh("dumpxml", `lp-${m.id}`)).toContain(net);
    }
    // clean up: the class and its network
    const del = await teacher.json<{ job: { id: string } }>(
      `/api/classes/${created.class.id}?confirmMachines=${machines.length}`,
      { method: "DELETE" },
    );
    await waitForJob(teacher, del.body.job.id, 120_000);
  });
});
