// The classroom flow against a real portal and real Docker containers (and one libvirt publish): a class with
// its teacher's machine and a pool, invite links and every refusal, concurrent joins against a full class,
// the roster, co-owners and who may see what, publish with kept disks (one student failing and retried), self
// signup, archive and delete.
import { execFileSync } from "node:child_process";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { requireAssets } from "../support/assets";
import { PortalClient } from "../support/client";
import { containerLab } from "../support/container-lab";
import { createVmTemplate, docker, ensureHosts, virsh, waitFor, waitForJob, waitForState } from "../support/machines";
import { createUser, signedIn, signedInAdmin, testDb, uniqueEmail } from "../support/users";

type ClassRow = {
  id: string;
  status: string;
  students: number;
  poolReady: number;
  teacherMachineId: string | null;
  myMachineId: string | null;
  baseVersion: number;
};
type Job = {
  id: string;
  status: string;
  items: { label: string; status: string; machineId: string | null; error: string | null }[];
};
type Err = { error: { code: string; message: string } };

async function createClass(teacher: PortalClient, templateId: string, extra: Record<string, unknown> = {}) {
  const res = await teacher.json<{ class: ClassRow; job: Job }>("/api/classes", {
    method: "POST",
    json: {
      name: `Networks ${Date.now().toString(36)}`,
      templateId,
      hoursPerStudent: 5,
      idleMinutes: 0,
      maxStudents: 10,
      poolSize: 0,
      ...extra,
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  const job = await waitForJob(teacher, res.body.job.id, 240_000);
  expect(job.status, JSON.stringify(job)).toBe("SUCCEEDED");
  const cls = await teacher.json<ClassRow>(`/api/classes/${res.body.class.id}`);
  expect(cls.body.status).toBe("READY");
  return cls.body;
}

async function invite(teacher: PortalClient, classId: string, body: Record<string, unknown> = {}) {
  const res = await teacher.json<{ code: string; url: string; invite: { id: string; prefix: string; status: string } }>(
    `/api/classes/${classId}/invites`,
    { method: "POST", json: body },
  );
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

async function student() {
  const s = await signedIn("STUDENT");
  return s;
}

function dockerOk(...args: string[]): boolean {
  try {
    docker(...args);
    return true;
  } catch {
    return false;
  }
}

/** Whether an image holds a file (a throwaway container, never started). */
function imageHasFile(image: string, path: string): boolean {
  const name = `lp-it-probe-${Date.now().toString(36)}`;
  docker("create", "--name", name, "--network", "none", image, "/bin/true");
  try {
    execFileSync("docker", ["cp", `${name}:${path}`, "-"], { stdio: ["ignore", "ignore", "ignore"] });
    return true;
  } catch {
    return false;
  } finally {
    docker("rm", "-f", name);
  }
}

describe("classes with Docker machines", { timeout: 600_000 }, () => {
  let admin: PortalClient;
  let templateId: string;

  beforeAll(async () => {
    ({ admin, templateId } = await containerLab());
  });

  it("deploys a class: the teacher's full-copy machine and a pre-provisioned pool", async () => {
    const { client: teacher, user } = await signedIn("TEACHER");
    const cls = await createClass(teacher, templateId, { poolSize: 2 });
    expect(cls.poolReady).toBe(2);
    expect(cls.teacherMachineId).toBeTruthy();
    const roster = await teacher.json<{
      items: unknown[];
      teacherMachine: { id: string; owner: { id: string }; fullCopy: boolean; state: string };
      pool: { state: string }[];
    }>(`/api/classes/${cls.id}/roster`);
    expect(roster.body.items).toEqual([]);
    expect(roster.body.teacherMachine.owner.id).toBe(user.id);
    expect(roster.body.teacherMachine.fullCopy).toBe(true);
    expect(roster.body.pool.map((m) => m.state)).toEqual(["STOPPED", "STOPPED"]);
    const list = await teacher.json<{ items: ClassRow[] }>("/api/classes");
    expect(list.body.items.map((c) => c.id)).toContain(cls.id);
  });

  it("invite links: hashed, shown once, and every refusal says why", async () => {
    const { client: teacher } = await signedIn("TEACHER");
    const cls = await createClass(teacher, templateId);
    const link = await invite(teacher, cls.id, { label: "week 1", maxUses: 1 });
    expect(link.code).toMatch(/^lpi_[A-Za-z0-9_-]{32}$/); // 24 random bytes = 192 bits
    expect(link.url).toMatch(new RegExp(`/join/${link.code}$`));
    const stored = await testDb().classInvite.findUniqueOrThrow({ where: { id: link.invite.id } });
    expect(stored.hash).not.toContain(link.code);
    expect(JSON.stringify(await teacher.json(`/api/classes/${cls.id}/invites`))).not.toContain(link.code);

    const anon = new PortalClient(inject("portalUrl"));
    const preview = await anon.json<{ className: string; status: string }>(`/api/invites/${link.code}`);
    expect(preview.status).toBe(200);
    expect(preview.body.status).toBe("active");
    expect((await anon.json<Err>("/api/invites/lpi_not-a-real-code-at-all")).body.error.code).toBe("INVITE_INVALID");

    const { client: first } = await student();
    expect((await first.json(`/api/invites/${link.code}/join`, { method: "POST" })).status).toBe(201);
    // joining twice is not an error and uses nothing
    const again = await first.json<{ alreadyEnrolled: boolean }>(`/api/invites/${link.code}/join`, { method: "POST" });
    expect(again.body.alreadyEnrolled).toBe(true);
    const { client: second } = await student();
    const usedUp = await second.json<Err>(`/api/invites/${link.code}/join`, { method: "POST" });
    expect(usedUp.status).toBe(410);
    expect(usedUp.body.error.code).toBe("INVITE_USED_UP");

    const expired = await invite(teacher, cls.id);
    await testDb().classInvite.update({
      where: { id: expired.invite.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    expect((await second.json<Err>(`/api/invites/${expired.code}/join`, { method: "POST" })).body.error.code).toBe(
      "INVITE_EXPIRED",
    );

    const revoked = await invite(teacher, cls.id, { expiresInDays: null });
    expect(
      (await teacher.fetch(`/api/classes/${cls.id}/invites/${revoked.invite.id}`, { method: "DELETE" })).status,
    ).toBe(204);
    expect((await second.json<Err>(`/api/invites/${revoked.code}/join`, { method: "POST" })).body.error.code).toBe(
      "INVITE_REVOKED",
    );

    const domain = await invite(teacher, cls.id, { allowed: ["@school.example"] });
    const wrong = await second.json<Err>(`/api/invites/${domain.code}/join`, { method: "POST" });
    expect(wrong.status).toBe(403);
    expect(wrong.body.error.code).toBe("INVITE_NOT_ALLOWED");
    const schoolUser = await createUser("STUDENT", {
      email: uniqueEmail("pupil").replace("@test.local", "@school.example"),
    });
    const school = new PortalClient(inject("portalUrl"));
    await school.signIn(schoolUser.email, schoolUser.password);
    expect((await school.json(`/api/invites/${domain.code}/join`, { method: "POST" })).status).toBe(201);

    const bad = await teacher.json<Err & { error: { fields: Record<string, string> } }>(
      `/api/classes/${cls.id}/invites`,
      { method: "POST", json: { allowed: ["not an address"], maxUses: 0 } },
    );
    expect(bad.status).toBe(422);
    expect(Object.keys(bad.body.error.fields)).toEqual(expect.arrayContaining(["allowed.0", "maxUses"]));
  });

  it("concurrent joins: a full class refuses clearly and no two students get the same machine", async () => {
    const { client: teacher } = await signedIn("TEACHER");
    const cls = await createClass(teacher, templateId, { maxStudents: 4, poolSize: 2 });
    const link = await invite(teacher, cls.id);
    const students = await Promise.all(Array.from({ length: 6 }, () => student()));
    const results = await Promise.all(
      students.map((s) =>
        s.client.json<{ machine: { id: string } | null; job: { id: string } | null } & Partial<Err>>(
          `/api/invites/${link.code}/join`,
          { method: "POST" },
        ),
      ),
    );
    const ok = results.filter((r) => r.status === 201);
    const refused = results.filter((r) => r.status !== 201);
    expect(ok).toHaveLength(4);
    expect(refused.map((r) => r.body.error?.code)).toEqual(["CLASS_FULL", "CLASS_FULL"]);
    expect(refused[0]?.body.error?.message).toMatch(/full \(4 of 4 students\)/);
    const machineIds = ok.map((r) => r.body.machine?.id);
    expect(new Set(machineIds).size).toBe(4);
    // at least the two pool machines were handed out at once (no job); the pool refills in the background,
    // so a later join may get a refilled one too
    expect(ok.filter((r) => r.body.job === null).length).toBeGreaterThanOrEqual(2);
    for (const r of ok)
      if (r.body.job)
        expect((await waitForJob(teacher, r.body.job.id).catch(() => null))?.status ?? "SUCCEEDED").toBe("SUCCEEDED");
    const db = testDb();
    const c = await db.class.findUniqueOrThrow({ where: { id: cls.id } });
    expect(c.enrolledCount).toBe(4);
    expect(await db.enrollment.count({ where: { classId: cls.id } })).toBe(4);
    const owners = await db.machine.findMany({
      where: { classId: cls.id, role: "STUDENT" },
      select: { ownerId: true },
    });
    expect(new Set(owners.map((o) => o.ownerId)).size).toBe(4);
    // the pool is topped up again in the background
    await waitFor(
      "pool refill",
      () => db.machine.count({ where: { classId: cls.id, role: "POOL", state: "STOPPED" } }),
      (n) => n === 2,
      120_000,
    );
    const roster = await teacher.json<{
      items: { user: { id: string }; machine: { id: string; state: string } | null }[];
    }>(`/api/classes/${cls.id}/roster`);
    expect(roster.body.items).toHaveLength(4);
    expect(roster.body.items.every((r) => r.machine)).toBe(true);
  });

  it("who may see and run a class: owner, co-owner, admin; students see only their class; other teachers nothing", async () => {
    const { client: owner } = await signedIn("TEACHER");
    const { client: other, user: otherUser } = await signedIn("TEACHER");
    const cls = await createClass(owner, templateId);
    const link = await invite(owner, cls.id);
    const s = await student();
    const joined = await s.client.json<{ machine: { id: string } }>(`/api/invites/${link.code}/join`, {
      method: "POST",
    });
    const machineId = joined.body.machine.id;
    const { client: outsider } = await student();

    expect((await other.json<Err>(`/api/classes/${cls.id}`)).status).toBe(404);
    expect((await other.json<Err>(`/api/classes/${cls.id}/roster`)).status).toBe(404);
    expect((await other.json<Err>(`/api/machines/${machineId}`)).status).toBe(404);
    expect((await outsider.json<Err>(`/api/classes/${cls.id}`)).status).toBe(404);
    expect((await s.client.json<ClassRow>(`/api/classes/${cls.id}`)).body.myMachineId).toBe(machineId);
    expect((await s.client.json<Err>(`/api/classes/${cls.id}/roster`)).status).toBe(403);
    expect((await s.client.json<Err>(`/api/classes/${cls.id}/invites`, { method: "POST", json: {} })).status).toBe(403);

    const add = await owner.json(`/api/classes/${cls.id}/co-owners`, {
      method: "POST",
      json: { email: otherUser.email },
    });
    expect(add.status).toBe(201);
    expect((await other.json(`/api/classes/${cls.id}/roster`)).status).toBe(200);
    expect((await other.json<{ id: string }>(`/api/machines/${machineId}`)).status).toBe(200);
    const studentEmail = s.user.email;
    const notTeacher = await owner.json<Err>(`/api/classes/${cls.id}/co-owners`, {
      method: "POST",
      json: { email: studentEmail },
    });
    expect(notTeacher.status).toBe(422);
    expect((await admin.json(`/api/classes/${cls.id}/roster`)).status).toBe(200);
    expect((await owner.fetch(`/api/classes/${cls.id}/co-owners/${otherUser.id}`, { method: "DELETE" })).status).toBe(
      204,
    );
    expect((await other.json<Err>(`/api/classes/${cls.id}/roster`)).status).toBe(404);

    // grant hours shows up in the roster
    const granted = await owner.json<{ hoursLeftSeconds: number | null }>(
      `/api/classes/${cls.id}/students/${s.user.id}/hours`,
      { method: "POST", json: { hours: 3 } },
    );
    expect(granted.status).toBe(200);
    expect(granted.body.hoursLeftSeconds).toBe(8 * 3600);

    // removing the student, keeping the machine: it stays with the teachers, the student loses it
    const needsChoice = await owner.json<Err>(`/api/classes/${cls.id}/students/${s.user.id}`, { method: "DELETE" });
    expect(needsChoice.status).toBe(422);
    expect(
      (await owner.fetch(`/api/classes/${cls.id}/students/${s.user.id}?machine=keep`, { method: "DELETE" })).status,
    ).toBe(204);
    expect((await s.client.json<Err>(`/api/machines/${machineId}`)).status).toBe(404);
    const kept = await owner.json<{ role: string; owner: unknown }>(`/api/machines/${machineId}`);
    expect(kept.body.role).toBe("KEPT");
    expect(kept.body.owner).toBeNull();
    expect((await testDb().class.findUniqueOrThrow({ where: { id: cls.id } })).enrolledCount).toBe(0);
  });

  it("publish: students get the teacher's new version, their old disks are kept, a failure is retried", async () => {
    const { client: teacher } = await signedIn("TEACHER");
    const cls = await createClass(teacher, templateId, { poolSize: 1, keepDays: 3 });
    const link = await invite(teacher, cls.id);
    const a = await student();
    const b = await student();
    const ja = await a.client.json<{ machine: { id: string } }>(`/api/invites/${link.code}/join`, { method: "POST" });
    const jb = await b.client.json<{ machine: { id: string }; job: { id: string } | null }>(
      `/api/invites/${link.code}/join`,
      { method: "POST" },
    );
    if (jb.body.job) await waitForJob(b.client, jb.body.job.id);
    const ma = ja.body.machine.id;
    const mb = jb.body.machine.id;

    // student A works in a running machine; B's is stopped with work too
    for (const [client, id] of [
      [a.client, ma],
      [b.client, mb],
    ] as const) {
      await client.json(`/api/machines/${id}/start`, { method: "POST", json: {} });
      await waitForState(client, id, "RUNNING");
      docker("exec", `lp-${id}`, "touch", "/root/student-work");
    }
    await b.client.json(`/api/machines/${mb}/stop`, { method: "POST", json: {} });
    await waitForState(b.client, mb, "STOPPED");

    // the teacher changes their machine
    const tm = cls.teacherMachineId as string;
    expect((await teacher.json(`/api/classes/${cls.id}/publish`, { method: "POST", json: {} })).status).toBe(202); // stopped: fine
    await waitFor(
      "v2",
      () => teacher.json<ClassRow>(`/api/classes/${cls.id}`).then((r) => r.body),
      (c) => c.status === "READY" && c.baseVersion === 2,
      180_000,
    );
    await teacher.json(`/api/machines/${tm}/start`, { method: "POST", json: {} });
    await waitForState(teacher, tm, "RUNNING");
    const running = await teacher.json<Err>(`/api/classes/${cls.id}/publish`, { method: "POST", json: {} });
    expect(running.status).toBe(409);
    expect(running.body.error.message).toMatch(/Shut your machine/);
    docker("exec", `lp-${tm}`, "touch", "/root/teacher-v3");
    await teacher.json(`/api/machines/${tm}/stop`, { method: "POST", json: {} });
    await waitForState(teacher, tm, "STOPPED");

    // B's machine disappears behind the portal's back for a moment: its update fails, the others go on
    await a.client.json(`/api/machines/${ma}/start`, { method: "POST", json: {} });
    await waitForState(a.client, ma, "RUNNING");
    docker("exec", `lp-${ma}`, "touch", "/root/student-work-2");
    docker("rename", `lp-${mb}`, `hidden-${mb}`);
    const pub = await teacher.json<{ job: Job }>(`/api/classes/${cls.id}/publish`, { method: "POST", json: {} });
    expect(pub.status).toBe(202);
    expect(pub.body.job.items[0]?.label).toMatch(/Class base v3/);
    const done = await waitForJob(teacher, pub.body.job.id, 240_000);
    expect(done.status).toBe("PARTIAL");
    const failedItem = done.items.find((i) => i.status === "FAILED");
    expect(failedItem?.machineId).toBe(mb);
    expect(failedItem?.error).toBeTruthy();
    // (its row may show drift now: the reconciler sees its container missing)
    expect((await testDb().machine.findUniqueOrThrow({ where: { id: mb } })).baseVersion).toBe(2);
    // nothing of B's was lost: the container is still there
    expect(dockerOk("inspect", `hidden-${mb}`)).toBe(true);

    // A was running: stopped, kept, re-created from the teacher's image
    const aAfter = await testDb().machine.findUniqueOrThrow({ where: { id: ma } });
    expect(aAfter.state).toBe("STOPPED");
    expect(aAfter.baseVersion).toBe(3);
    const aImage = JSON.parse(docker("inspect", `lp-${ma}`))[0].Config.Image as string;
    expect(aImage).toBe(`labportal/class-${cls.id.toLowerCase()}:v3`);
    expect(imageHasFile(aImage, "/root/teacher-v3")).toBe(true);
    const keptA = await testDb().keptDisk.findMany({
      where: { machineId: ma, releasedAt: null },
      orderBy: { createdAt: "asc" },
    });
    expect(keptA.length).toBeGreaterThanOrEqual(1);
    const lastKept = keptA[keptA.length - 1] as { ref: string; keepUntil: Date };
    expect(imageHasFile(lastKept.ref, "/root/student-work-2")).toBe(true);
    expect(lastKept.keepUntil.getTime()).toBeGreaterThan(Date.now() + 2.9 * 86_400_000);

    // retry after B's container is back: only B runs
    docker("rename", `hidden-${mb}`, `lp-${mb}`);
    const retry = await teacher.json<{ job: Job }>(`/api/classes/${cls.id}/publish`, {
      method: "POST",
      json: { retry: true },
    });
    expect(retry.status).toBe(202);
    expect(retry.body.job.items.map((i) => i.machineId)).toEqual([mb]);
    expect((await waitForJob(teacher, retry.body.job.id, 240_000)).status).toBe("SUCCEEDED");
    const keptB = await testDb().keptDisk.findMany({
      where: { machineId: mb, releasedAt: null },
      orderBy: { createdAt: "desc" },
    });
    // two kept disks: v1 (with the work B did before the first publish) and v2
    expect(keptB.map((k) => k.label)).toEqual([expect.stringMatching(/\(v2\)$/), expect.stringMatching(/\(v1\)$/)]);
    expect(imageHasFile((keptB[1] as { ref: string }).ref, "/root/student-work")).toBe(true);
    expect(imageHasFile(JSON.parse(docker("inspect", `lp-${mb}`))[0].Config.Image, "/root/teacher-v3")).toBe(true);
    const nothingLeft = await teacher.json<Err>(`/api/classes/${cls.id}/publish`, {
      method: "POST",
      json: { retry: true },
    });
    expect(nothingLeft.body.error.message).toMatch(/already on version 3/);

    // the teacher releases a kept disk: the image is gone
    const listed = await teacher.json<{ items: { id: string; machineId: string }[] }>(
      `/api/classes/${cls.id}/kept-disks`,
    );
    const release = listed.body.items.find((k) => k.machineId === mb) as { id: string };
    expect((await teacher.fetch(`/api/classes/${cls.id}/kept-disks/${release.id}`, { method: "DELETE" })).status).toBe(
      204,
    );
    expect(dockerOk("image", "inspect", (keptB[0] as { ref: string }).ref)).toBe(false);

    // delete: the confirmation must name the machine count; then everything goes
    const count = await testDb().machine.count({ where: { classId: cls.id } });
    const wrong = await teacher.json<Err>(`/api/classes/${cls.id}?confirmMachines=${count + 1}`, { method: "DELETE" });
    expect(wrong.status).toBe(409);
    expect(wrong.body.error.message).toContain(`removes ${count} machines`);
    const del = await teacher.json<{ job: { id: string } }>(`/api/classes/${cls.id}?confirmMachines=${count}`, {
      method: "DELETE",
    });
    expect(del.status).toBe(202);
    await waitForJob(teacher, del.body.job.id, 120_000);
    await waitFor(
      "class gone",
      () => testDb().class.findUnique({ where: { id: cls.id } }),
      (c) => c === null,
      30_000,
    );
    expect(dockerOk("inspect", `lp-${ma}`)).toBe(false);
    expect(await testDb().keptDisk.count({ where: { classId: cls.id } })).toBe(0);
    expect(dockerOk("image", "inspect", lastKept.ref)).toBe(false);
    // the class's published base images and its network went with it
    expect(dockerOk("image", "inspect", `labportal/class-${cls.id.toLowerCase()}:v3`)).toBe(false);
    expect(dockerOk("network", "inspect", `lpc-${cls.id.slice(-10)}`)).toBe(false);
  });

  it("self-signup through an invite link only when the admin allows it", async () => {
    const { client: teacher } = await signedIn("TEACHER");
    const cls = await createClass(teacher, templateId);
    const link = await invite(teacher, cls.id);
    const anon = new PortalClient(inject("portalUrl"));
    const body = { name: "New Pupil", email: uniqueEmail("new"), password: "a-long-password-1" };
    await admin.json("/api/admin/settings", { method: "PATCH", json: { selfSignup: false } });
    const off = await anon.json<Err>(`/api/invites/${link.code}/signup`, { method: "POST", json: body });
    expect(off.status).toBe(409);
    expect(off.body.error.code).toBe("SIGNUP_DISABLED");
    // an unknown link is a 404 before "signup is off"
    const unknown = await anon.json<Err>(`/api/invites/${"x".repeat(24)}/signup`, { method: "POST", json: body });
    expect(unknown.status).toBe(404);
    expect(await testDb().user.count({ where: { email: body.email } })).toBe(0);
    await admin.json("/api/admin/settings", { method: "PATCH", json: { selfSignup: true } });
    try {
      expect((await anon.json<{ selfSignup: boolean }>(`/api/invites/${link.code}`)).body.selfSignup).toBe(true);
      const on = await anon.json<{ email: string }>(`/api/invites/${link.code}/signup`, { method: "POST", json: body });
      expect(on.status).toBe(201);
      const user = await testDb().user.findUniqueOrThrow({ where: { email: body.email } });
      expect(user.role).toBe("STUDENT");
      expect(await testDb().enrollment.count({ where: { userId: user.id, classId: cls.id } })).toBe(1);
      const fresh = new PortalClient(inject("portalUrl"));
      expect(await fresh.signIn(body.email, body.password)).toBeNull();
      const labs = await fresh.json<{ items: { class: { id: string } | null }[] }>("/api/me/labs");
      expect(labs.body.items.map((i) => i.class?.id)).toContain(cls.id);
      // an address that has an account gets the very same answer, and nothing about that account changes
      const twice = await anon.json<{ email: string; classId: string }>(`/api/invites/${link.code}/signup`, {
        method: "POST",
        json: { ...body, name: "Someone Else" },
      });
      expect(twice.status).toBe(201);
      expect(twice.body).toEqual(on.body);
      expect(await testDb().user.count({ where: { email: body.email } })).toBe(1);
      expect((await testDb().user.findUniqueOrThrow({ where: { email: body.email } })).name).toBe("New Pupil");
      const other = await createUser("STUDENT");
      const probe = await anon.json<{ email: string; classId: string }>(`/api/invites/${link.code}/signup`, {
        method: "POST",
        json: { name: "Prober", email: other.email, password: "a-guessed-password" },
      });
      expect(probe.status).toBe(201);
      expect(probe.body).toEqual({ email: other.email, classId: cls.id });
      expect(await testDb().enrollment.count({ where: { userId: other.id } })).toBe(0);
      expect(await new PortalClient(inject("portalUrl")).signIn(other.email, other.password)).toBeNull();
      expect(await new PortalClient(inject("portalUrl")).signIn(other.email, "a-guessed-password")).not.toBeNull();
    } finally {
      await admin.json("/api/admin/settings", { method: "PATCH", json: { selfSignup: false } });
    }
  });
});

describe("classes with libvirt machines", { timeout: 600_000 }, () => {
  it("publish exports the teacher's disk, keeps the student's volume and re-creates the overlay on the new base", async () => {
    await requireAssets("libvirt");
    const admin = await signedInAdmin();
    await ensureHosts(admin);
    const templateId = await createVmTemplate(admin);
    const { client: teacher } = await signedIn("TEACHER");
    const cls = await createClass(teacher, templateId, { isolatedNetwork: true });
    const link = await invite(teacher, cls.id);
    const s = await student();
    const joined = await s.client.json<{ machine: { id: string }; job: { id: string } }>(
      `/api/invites/${link.code}/join`,
      { method: "POST" },
    );
    await waitForJob(s.client, joined.body.job.id);
    const id = joined.body.machine.id;
    const xml = virsh("dumpxml", `lp-${id}`);
    expect(xml).toContain(`lpc-${cls.id.slice(-10)}`); // the class's own network

    const pub = await teacher.json<{ job: { id: string } }>(`/api/classes/${cls.id}/publish`, {
      method: "POST",
      json: {},
    });
    expect(pub.status).toBe(202);
    const job = await waitForJob(teacher, pub.body.job.id, 300_000);
    expect(job.status, JSON.stringify(job)).toBe("SUCCEEDED");
    const m = await testDb().machine.findUniqueOrThrow({ where: { id }, include: { host: true } });
    expect(m.baseVersion).toBe(2);
    const base = await testDb().template.findUniqueOrThrow({ where: { id: m.templateId as string } });
    expect(base.classId).toBe(cls.id);
    const pool = m.host?.storagePool as string;
    const info = virsh("vol-dumpxml", "--pool", pool, `lp-${id}.qcow2`);
    expect(info).toContain(`lp-tpl-${base.id}`); // backed by the new base
    const kept = await testDb().keptDisk.findFirstOrThrow({ where: { machineId: id } });
    expect(kept.ref).toBe(`lp-kept-${id}-v1.qcow2`);
    expect(virsh("vol-list", pool)).toContain(kept.ref);
    // base templates of a class are not offered in the template list
    const templates = await teacher.json<{ items: { id: string }[] }>("/api/templates");
    expect(templates.body.items.map((t) => t.id)).not.toContain(base.id);

    const count = await testDb().machine.count({ where: { classId: cls.id } });
    const del = await teacher.json<{ job: { id: string } }>(`/api/classes/${cls.id}?confirmMachines=${count}`, {
      method: "DELETE",
    });
    await waitForJob(teacher, del.body.job.id, 120_000);
    await waitFor(
      "class gone",
      () => testDb().class.findUnique({ where: { id: cls.id } }),
      (c) => c === null,
      30_000,
    );
    expect(virsh("vol-list", pool)).not.toContain(kept.ref);
  });
});
