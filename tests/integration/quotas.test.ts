// Quotas through the real portal: default plans, overrides, atomic enforcement at start and create against real
// Docker containers (concurrent requests, and a second database client holding the user's row as another
// portal instance would), hours, and quota requests (approve with hours, deny with a reason, who may decide).
import { beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { PortalClient } from "../support/client";
import { containerLab } from "../support/container-lab";
import { waitFor, waitForJob, waitForState } from "../support/machines";
import { signedIn, signedInAdmin, testDb } from "../support/users";

type ErrorBody = { error: { code: string; message: string; fields?: Record<string, string> } };
type Limits = {
  maxMachines: number | null;
  maxRunning: number | null;
  maxVcpus: number | null;
  maxMemoryMb: number | null;
  maxDiskGb: number | null;
  hoursPerMonth: number | null;
  planId: string | null;
  planName: string | null;
};
type Budget = { totalSeconds: number | null; usedSeconds: number; grantedSeconds: number; leftSeconds: number | null };
type MyQuota = {
  month: string;
  limits: Limits;
  usage: { machines: number; running: number };
  hours: Budget;
  classes: (Budget & { classId: string; className: string; leftSecondsOverall: number | null })[];
};
type Plan = Limits & { id: string; name: string; defaultFor: string | null; userCount: number };
type RequestRow = {
  id: string;
  status: string;
  kind: string;
  summary: string;
  decisionNote: string | null;
  granted: string | null;
  user: { id: string };
};

async function setOverride(
  admin: PortalClient,
  userId: string,
  override: Record<string, unknown> | null,
  planId?: string | null,
) {
  const res = await admin.json(`/api/admin/quotas/${userId}`, {
    method: "PATCH",
    json: { override, ...(planId !== undefined ? { planId } : {}) },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as { limits: Limits };
}

async function createOwned(
  admin: PortalClient,
  templateId: string,
  ownerId: string,
  count: number,
  name = "quota-lab",
) {
  const res = await admin.json<{ job: { id: string }; machines: { id: string }[] }>("/api/machines", {
    method: "POST",
    json: { templateId, name, count, ownerId },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  const job = await waitForJob(admin, res.body.job.id);
  expect(job.status).toBe("SUCCEEDED");
  return res.body.machines.map((m) => m.id);
}

async function removeAll(admin: PortalClient, ids: string[]) {
  for (const id of ids) {
    const m = await admin.json<{ state: string }>(`/api/machines/${id}`);
    if (m.status !== 200) continue;
    if (["STARTING", "STOPPING", "REBOOTING"].includes(m.body.state))
      await waitFor(
        "settled",
        () => admin.json<{ state: string }>(`/api/machines/${id}`).then((r) => r.body.state),
        (s) => ["RUNNING", "STOPPED", "FAILED"].includes(s),
      );
    await admin.fetch(`/api/machines/${id}`, { method: "DELETE" });
  }
  for (const id of ids)
    await waitFor(
      "delete",
      () => admin.fetch(`/api/machines/${id}`).then((r) => r.status),
      (s) => s === 404,
      60_000,
    );
}

describe("plans and limits", () => {
  let admin: PortalClient;
  beforeAll(async () => {
    admin = await signedInAdmin();
  });

  it("seeds Student, Teacher and Staff plans; students and teachers get their role's default, admins are unlimited", async () => {
    const plans = (await admin.json<{ items: Plan[] }>("/api/admin/plans")).body.items;
    const student = plans.find((p) => p.name === "Student");
    expect(student).toMatchObject({
      defaultFor: "STUDENT",
      maxMachines: 5,
      maxRunning: 2,
      maxVcpus: 4,
      maxMemoryMb: 8192,
      maxDiskGb: 80,
      hoursPerMonth: null,
    });
    expect(plans.find((p) => p.name === "Teacher")).toMatchObject({
      defaultFor: "TEACHER",
      maxMachines: 20,
      maxRunning: 10,
      maxVcpus: 16,
      maxMemoryMb: 32768,
      maxDiskGb: 400,
      hoursPerMonth: null,
    });
    expect(plans.find((p) => p.name === "Staff")).toMatchObject({
      defaultFor: null,
      maxMachines: null,
      maxRunning: null,
      maxVcpus: null,
    });

    const { client: s } = await signedIn("STUDENT");
    const mine = (await s.json<MyQuota>("/api/me/quota")).body;
    expect(mine.limits).toMatchObject({ planName: "Student", maxMachines: 5, maxRunning: 2 });
    expect(mine.usage).toMatchObject({ machines: 0, running: 0 });
    expect(mine.month).toMatch(/^\d{4}-\d{2}$/);
    const { client: t } = await signedIn("TEACHER");
    expect((await t.json<MyQuota>("/api/me/quota")).body.limits).toMatchObject({
      planName: "Teacher",
      maxMachines: 20,
    });
    expect((await admin.json<MyQuota>("/api/me/quota")).body.limits).toMatchObject({
      planName: null,
      maxMachines: null,
      maxRunning: null,
      hoursPerMonth: null,
    });
  });

  it("overrides replace the plan's values field by field; -1 is unlimited; a plan can be assigned and cleared", async () => {
    const { client: s, user } = await signedIn("STUDENT");
    let limits = (await setOverride(admin, user.id, { maxMachines: 3, maxVcpus: -1, note: "project work" })).limits;
    expect(limits).toMatchObject({
      planName: "Student",
      maxMachines: 3,
      maxRunning: 2,
      maxVcpus: null,
      maxMemoryMb: 8192,
    });
    expect((await s.json<MyQuota>("/api/me/quota")).body.limits).toMatchObject({ maxMachines: 3, maxVcpus: null });

    const staff = (await admin.json<{ items: Plan[] }>("/api/admin/plans")).body.items.find(
      (p) => p.name === "Staff",
    ) as Plan;
    limits = (await setOverride(admin, user.id, null, staff.id)).limits;
    expect(limits).toMatchObject({ planName: "Staff", maxMachines: null, maxRunning: null });
    limits = (await setOverride(admin, user.id, null, null)).limits;
    expect(limits).toMatchObject({ planName: "Student", maxMachines: 5 });

    // the usage table lists the user with their plan and can filter by it
    const table = await admin.json<{ items: { id: string; limits: Limits }[]; total: number }>(
      `/api/admin/quotas?q=${encodeURIComponent(user.email)}&sort=machines&dir=desc`,
    );
    expect(table.status).toBe(200);
    expect(table.body.items.map((r) => r.id)).toEqual([user.id]);
    const byPlan = await admin.json<{ items: { id: string }[] }>(`/api/admin/quotas?planId=${staff.id}`);
    expect(byPlan.body.items.map((r) => r.id)).not.toContain(user.id);
  });

  it("validates plans and refuses deleting a plan in use or a role's default, with reasons", async () => {
    const bad = await admin.json<ErrorBody>("/api/admin/plans", {
      method: "POST",
      json: { name: "", maxMachines: -3 },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error.fields?.name).toMatch(/name/i);
    expect(bad.body.error.fields?.maxMachines).toMatch(/negative/);
    const name = `Lab ${Date.now().toString(36)}`;
    const made = await admin.json<Plan>("/api/admin/plans", {
      method: "POST",
      json: { name, maxMachines: 1, maxRunning: 1 },
    });
    expect(made.status).toBe(201);
    const dup = await admin.json<ErrorBody>("/api/admin/plans", { method: "POST", json: { name } });
    expect(dup.status).toBe(409);
    expect(dup.body.error.message).toContain("already exists");

    const { user } = await signedIn("STUDENT");
    await setOverride(admin, user.id, null, made.body.id);
    const refused = await admin.json<ErrorBody>(`/api/admin/plans/${made.body.id}`, { method: "DELETE" });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(/1 user is on plan/);
    expect((await admin.fetch(`/api/admin/plans/${made.body.id}?moveUsers=true`, { method: "DELETE" })).status).toBe(
      204,
    );
    const row = await admin.json<{ items: { limits: Limits }[] }>(
      `/api/admin/quotas?q=${encodeURIComponent(user.email)}`,
    );
    expect(row.body.items[0]?.limits.planName).toBe("Student");

    const student = (await admin.json<{ items: Plan[] }>("/api/admin/plans")).body.items.find(
      (p) => p.name === "Student",
    ) as Plan;
    const def = await admin.json<ErrorBody>(`/api/admin/plans/${student.id}`, { method: "DELETE" });
    expect(def.status).toBe(409);
    expect(def.body.error.message).toMatch(/default for students/);

    const { client: s } = await signedIn("STUDENT");
    expect((await s.json(`/api/admin/plans`)).status).toBe(403);
    expect((await s.json(`/api/admin/quotas/${user.id}`, { method: "PATCH", json: { override: null } })).status).toBe(
      403,
    );
  });
});

describe("enforcement on real containers", () => {
  let admin: PortalClient;
  let templateId: string;

  beforeAll(async () => {
    ({ admin, templateId } = await containerLab());
  });

  it("three concurrent starts with maxRunning 1: exactly one starts, the others are told which limit and the usage", async () => {
    const { client: student, user } = await signedIn("STUDENT");
    await setOverride(admin, user.id, { maxRunning: 1 });
    const ids = await createOwned(admin, templateId, user.id, 3);
    try {
      const answers = await Promise.all(
        ids.map((id) => student.json<ErrorBody>(`/api/machines/${id}/start`, { method: "POST", json: {} })),
      );
      const ok = answers.filter((a) => a.status === 202);
      const refused = answers.filter((a) => a.status !== 202);
      expect(ok).toHaveLength(1);
      expect(refused).toHaveLength(2);
      for (const r of refused) {
        expect(r.status).toBe(409);
        expect(r.body.error.code).toBe("QUOTA_EXCEEDED");
        expect(r.body.error.message).toMatch(/running machines/i);
        expect(r.body.error.message).toContain("1 of 1");
      }
      const started = ids[answers.findIndex((a) => a.status === 202)] as string;
      await waitForState(student, started, "RUNNING");
      // an admin starting the student's machine is held to the owner's quota too
      const other = ids.find((id) => id !== started) as string;
      const byAdmin = await admin.json<ErrorBody>(`/api/machines/${other}/start`, { method: "POST", json: {} });
      expect(byAdmin.status).toBe(409);
      expect(byAdmin.body.error.code).toBe("QUOTA_EXCEEDED");
      const usage = (await student.json<MyQuota>("/api/me/quota")).body.usage;
      expect(usage).toMatchObject({ machines: 3, running: 1 });

      // no hours left: refused with the reason
      await student.json(`/api/machines/${started}/stop`, { method: "POST", json: {} });
      await waitForState(student, started, "STOPPED");
      await setOverride(admin, user.id, { maxRunning: 1, hoursPerMonth: 0 });
      const noHours = await student.json<ErrorBody>(`/api/machines/${started}/start`, { method: "POST", json: {} });
      expect(noHours.status).toBe(409);
      expect(noHours.body.error.message).toMatch(/No lab hours left this month/);
    } finally {
      await removeAll(admin, ids);
    }
  }, 240_000);

  it("a second database client holding the user's row (another portal instance) makes a start wait, then see its claim", async () => {
    const { client: student, user } = await signedIn("STUDENT");
    await setOverride(admin, user.id, { maxRunning: 1 });
    const [a, b] = await createOwned(admin, templateId, user.id, 2, "quota-xproc");
    try {
      let answered = false;
      let pending: Promise<{ status: number; body: ErrorBody }> | undefined;
      await testDb().$transaction(
        async (tx) => {
          await tx.$executeRaw`UPDATE "User" SET "sessionVersion" = "sessionVersion" WHERE "id" = ${user.id}`;
          // "the other instance" claims machine b while it holds the user's row
          await tx.machine.update({ where: { id: b as string }, data: { state: "RUNNING" } });
          pending = student.json<ErrorBody>(`/api/machines/${a}/start`, { method: "POST", json: {} });
          void pending.then(() => {
            answered = true;
          });
          await new Promise((r) => setTimeout(r, 1500));
          expect(answered).toBe(false);
        },
        { timeout: 20_000 },
      );
      const res = await (pending as Promise<{ status: number; body: ErrorBody }>);
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe("QUOTA_EXCEEDED");
      expect(res.body.error.message).toContain("1 of 1");
    } finally {
      await testDb().machine.update({ where: { id: b as string }, data: { state: "STOPPED" } });
      await removeAll(admin, [a as string, b as string]);
    }
  }, 180_000);

  it("three concurrent creates with maxMachines 2: two are made, the third is refused naming the limit", async () => {
    const { user } = await signedIn("STUDENT");
    await setOverride(admin, user.id, { maxMachines: 2 });
    const answers = await Promise.all(
      [1, 2, 3].map((i) =>
        admin.json<ErrorBody & { job: { id: string }; machines: { id: string }[] }>("/api/machines", {
          method: "POST",
          json: { templateId, name: `race-${i}`, ownerId: user.id },
        }),
      ),
    );
    const made = answers.filter((a) => a.status === 202);
    const ids = made.flatMap((a) => a.body.machines.map((m) => m.id));
    try {
      expect(made).toHaveLength(2);
      const refused = answers.find((a) => a.status !== 202);
      expect(refused?.status).toBe(409);
      expect(refused?.body.error.code).toBe("QUOTA_EXCEEDED");
      expect(refused?.body.error.message).toMatch(/^Machines: 2 of 2 in use/);
      for (const a of made) await waitForJob(admin, a.body.job.id);
      const rows = await testDb().machine.count({ where: { ownerId: user.id } });
      expect(rows).toBe(2);
      // the disk limit counts every owned machine's disk
      await setOverride(admin, user.id, { maxMachines: null, maxDiskGb: 2 });
      const disk = await admin.json<ErrorBody>("/api/machines", {
        method: "POST",
        json: { templateId, name: "one-too-many", ownerId: user.id },
      });
      expect(disk.status).toBe(409);
      expect(disk.body.error.message).toMatch(/^Disk: 2 of 2 GB in use/);
    } finally {
      await removeAll(admin, ids);
    }
  }, 240_000);
});

describe("quota requests", () => {
  let admin: PortalClient;
  beforeAll(async () => {
    admin = await signedInAdmin();
  });

  it("a student asks for hours, sees it live, an admin approves with hours and the hours left grow", async () => {
    const { client: s, user } = await signedIn("STUDENT");
    await setOverride(admin, user.id, { hoursPerMonth: 2 });
    expect((await s.json<MyQuota>("/api/me/quota")).body.hours.leftSeconds).toBe(7200);

    const ws = new WebSocket(`${s.baseUrl.replace("http", "ws")}/ws/events`, {
      headers: { origin: s.baseUrl, cookie: s.cookieHeader() },
    });
    const events: { type: string; data: RequestRow }[] = [];
    await new Promise<void>((ok, fail) => {
      ws.once("message", () => ok());
      ws.once("error", fail);
    });
    ws.on("message", (raw) => events.push(JSON.parse(String(raw))));
    try {
      const created = await s.json<RequestRow>("/api/quota-requests", {
        method: "POST",
        json: { kind: "HOURS", amount: 3, reason: "Final project needs more lab time" },
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ status: "PENDING", kind: "HOURS", summary: "3 hours" });

      const pending = await admin.json<{ items: RequestRow[]; pending: number }>(
        "/api/quota-requests?scope=all&status=PENDING",
      );
      expect(pending.body.items.map((r) => r.id)).toContain(created.body.id);
      expect(pending.body.pending).toBeGreaterThan(0);

      // a student cannot decide, nor list everyone's
      expect(
        (await s.json(`/api/quota-requests/${created.body.id}/approve`, { method: "POST", json: {} })).status,
      ).toBe(403);
      expect((await s.json("/api/quota-requests?scope=all")).status).toBe(403);

      const approved = await admin.json<RequestRow>(`/api/quota-requests/${created.body.id}/approve`, {
        method: "POST",
        json: { note: "Good luck" },
      });
      expect(approved.status).toBe(200);
      expect(approved.body.status).toBe("APPROVED");
      expect(JSON.parse(approved.body.granted as string)).toMatchObject({ hours: 3 });
      expect((await s.json<MyQuota>("/api/me/quota")).body.hours.leftSeconds).toBe(7200 + 3 * 3600);

      // deciding twice is refused
      const again = await admin.json<ErrorBody>(`/api/quota-requests/${created.body.id}/deny`, {
        method: "POST",
        json: { reason: "changed my mind" },
      });
      expect(again.status).toBe(409);
      expect(again.body.error.message).toMatch(/already approved/);

      await waitFor(
        "live status",
        async () =>
          events.filter((e) => e.type === "quota.request" && e.data.id === created.body.id).map((e) => e.data.status),
        (st) => st.includes("APPROVED"),
        10_000,
      );
      expect(events.some((e) => e.type === "quota.request" && e.data.status === "PENDING")).toBe(true);
    } finally {
      ws.close();
    }
    const audit = await testDb().auditEvent.findMany({
      where: { action: { startsWith: "quota.request." }, actorId: { in: [user.id] } },
    });
    expect(audit.map((a) => a.action)).toContain("quota.request.create");
  });

  it("machines requests become a per-user override; a denial carries its reason to the requester", async () => {
    const { client: s, user } = await signedIn("TEACHER");
    const machines = await s.json<RequestRow>("/api/quota-requests", {
      method: "POST",
      json: { kind: "MACHINES", amount: 5, reason: "A second section this term" },
    });
    expect(machines.status).toBe(201);
    expect(machines.body.summary).toBe("5 more machines");
    const ok = await admin.json<RequestRow>(`/api/quota-requests/${machines.body.id}/approve`, {
      method: "POST",
      json: {},
    });
    expect(ok.status).toBe(200);
    expect((await s.json<MyQuota>("/api/me/quota")).body.limits.maxMachines).toBe(25);

    const res = await s.json<RequestRow>("/api/quota-requests", {
      method: "POST",
      json: { kind: "RESOURCES", resource: "maxMemoryMb", amount: 4096, reason: "Bigger VMs for the database course" },
    });
    expect(res.body.summary).toBe("4 GB more memory");
    const denied = await admin.json<RequestRow>(`/api/quota-requests/${res.body.id}/deny`, {
      method: "POST",
      json: { reason: "Use the shared database server instead" },
    });
    expect(denied.status).toBe(200);
    const mine = await s.json<{ items: RequestRow[] }>("/api/quota-requests");
    const row = mine.body.items.find((r) => r.id === res.body.id);
    expect(row).toMatchObject({ status: "DENIED", decisionNote: "Use the shared database server instead" });
    expect(mine.body.items.every((r) => r.user.id === user.id)).toBe(true);
    const audit = await testDb().auditEvent.findMany({ where: { targetId: { in: [machines.body.id, res.body.id] } } });
    expect(audit.map((a) => a.action).sort()).toEqual([
      "quota.request.approve",
      "quota.request.create",
      "quota.request.create",
      "quota.request.deny",
    ]);
  });

  it("a class's teacher decides hours requests for the class (class budget); another teacher cannot", async () => {
    const { client: teacher, user: t } = await signedIn("TEACHER");
    const { client: otherTeacher } = await signedIn("TEACHER");
    const { client: s, user } = await signedIn("STUDENT");
    const cls = await testDb().class.create({
      data: { name: `Networks ${Date.now().toString(36)}`, ownerId: t.id, hoursPerStudent: 1 },
    });
    await testDb().enrollment.create({ data: { classId: cls.id, userId: user.id } });
    let mine = (await s.json<MyQuota>("/api/me/quota")).body;
    expect(mine.classes).toHaveLength(1);
    expect(mine.classes[0]).toMatchObject({ classId: cls.id, totalSeconds: 3600, leftSeconds: 3600 });

    const req = await s.json<RequestRow>("/api/quota-requests", {
      method: "POST",
      json: { kind: "HOURS", amount: 2, reason: "Lab 4 takes longer", classId: cls.id },
    });
    expect(req.status).toBe(201);
    const theirs = await teacher.json<{ items: RequestRow[] }>("/api/quota-requests?scope=classes&status=PENDING");
    expect(theirs.body.items.map((r) => r.id)).toEqual([req.body.id]);
    expect(
      (await otherTeacher.json(`/api/quota-requests/${req.body.id}/approve`, { method: "POST", json: {} })).status,
    ).toBe(403);
    expect(
      (
        await teacher.json(`/api/quota-requests/${req.body.id}/approve`, {
          method: "POST",
          json: { limits: { maxMachines: 50 } },
        })
      ).status,
    ).toBe(403);
    const ok = await teacher.json<RequestRow>(`/api/quota-requests/${req.body.id}/approve`, {
      method: "POST",
      json: {},
    });
    expect(ok.status).toBe(200);
    mine = (await s.json<MyQuota>("/api/me/quota")).body;
    expect(mine.classes[0]).toMatchObject({ totalSeconds: 3 * 3600, leftSeconds: 3 * 3600 });

    // direct grants: the teacher for their class; not for a class they do not teach; not outside a class
    const grant = await teacher.json<{ class: Budget }>("/api/quota-grants", {
      method: "POST",
      json: { userId: user.id, classId: cls.id, hours: 1 },
    });
    expect(grant.status).toBe(200);
    expect(grant.body.class.totalSeconds).toBe(4 * 3600);
    expect(
      (
        await otherTeacher.json("/api/quota-grants", {
          method: "POST",
          json: { userId: user.id, classId: cls.id, hours: 1 },
        })
      ).status,
    ).toBe(403);
    expect(
      (await teacher.json("/api/quota-grants", { method: "POST", json: { userId: user.id, hours: 1 } })).status,
    ).toBe(403);
    expect(
      (await s.json("/api/quota-grants", { method: "POST", json: { userId: user.id, classId: cls.id, hours: 1 } }))
        .status,
    ).toBe(403);
  });

  it("rejects bad requests with 4xx and messages; only the requester withdraws", async () => {
    const { client: s } = await signedIn("STUDENT");
    const short = await s.json<ErrorBody>("/api/quota-requests", {
      method: "POST",
      json: { kind: "HOURS", amount: 2, reason: "pls" },
    });
    expect(short.status).toBe(422);
    expect(short.body.error.fields?.reason).toMatch(/at least 5 characters/);
    const noResource = await s.json<ErrorBody>("/api/quota-requests", {
      method: "POST",
      json: { kind: "RESOURCES", amount: 2, reason: "need more" },
    });
    expect(noResource.status).toBe(422);
    expect(noResource.body.error.fields?.resource).toMatch(/Choose which resource/);
    const badKind = await s.json<ErrorBody>("/api/quota-requests", {
      method: "POST",
      json: { kind: "GPUS", amount: 1, reason: "need more" },
    });
    expect(badKind.status).toBe(422);
    const zero = await s.json<ErrorBody>("/api/quota-requests", {
      method: "POST",
      json: { kind: "HOURS", amount: 0, reason: "need more" },
    });
    expect(zero.status).toBe(422);
    expect(zero.body.error.fields?.amount).toMatch(/at least 1/);
    const notMine = await s.json<ErrorBody>("/api/quota-requests", {
      method: "POST",
      json: { kind: "HOURS", amount: 1, reason: "need more", classId: "nope" },
    });
    expect(notMine.status).toBe(422);
    expect(notMine.body.error.fields?.classId).toMatch(/not in this class/);
    const noReason = await admin.json<ErrorBody>("/api/quota-requests/whatever/deny", { method: "POST", json: {} });
    expect(noReason.status).toBe(422);
    expect(
      (await admin.json<ErrorBody>("/api/quota-requests/missing/deny", { method: "POST", json: { reason: "no way" } }))
        .status,
    ).toBe(404);

    const req = await s.json<RequestRow>("/api/quota-requests", {
      method: "POST",
      json: { kind: "HOURS", amount: 1, reason: "one more hour" },
    });
    const { client: other } = await signedIn("STUDENT");
    expect((await other.json(`/api/quota-requests/${req.body.id}/cancel`, { method: "POST" })).status).toBe(404);
    const cancelled = await s.json<RequestRow>(`/api/quota-requests/${req.body.id}/cancel`, { method: "POST" });
    expect(cancelled.body.status).toBe("CANCELLED");
    const grant = await admin.json<ErrorBody>("/api/quota-grants", {
      method: "POST",
      json: { userId: "nobody", hours: 1 },
    });
    expect(grant.status).toBe(422);
  });
});
