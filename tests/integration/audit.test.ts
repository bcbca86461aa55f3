import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { PortalClient } from "../support/client";
import { createUser, signedIn, signedInAdmin, testDb } from "../support/users";

type AuditItem = {
  id: string;
  at: string;
  actorId: string | null;
  actorEmail: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  targetName: string | null;
  ip: string | null;
  details: unknown;
};
type AuditPage = { items: AuditItem[]; total: number; page: number; pageSize: number };
type ErrorBody = { error: { code: string; message: string; fields?: Record<string, string> } };

const url = () => inject("portalUrl");
const qs = (params: Record<string, string | number>) =>
  new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)])).toString();

/** A small RFC 4180 reader, enough to check what the export writes. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(cell);
      cell = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      i++;
    } else cell += c;
  }
  if (cell || row.length) rows.push([...row, cell]);
  return rows;
}

let admin: PortalClient;
let student: Awaited<ReturnType<typeof createUser>>;
let studentClient: PortalClient;
const tag = randomBytes(4).toString("hex");
const rangeAction = `test.range.${tag}`;

beforeAll(async () => {
  admin = await signedInAdmin();
  student = await createUser("STUDENT");
  studentClient = new PortalClient(url());
  expect(await studentClient.signIn(student.email, "wrong-password!")).toBe("Invalid email or password.");
  expect(await studentClient.signIn(student.email, student.password)).toBeNull();
  // Three events on three days in the past, for the time-range filters.
  for (const day of ["2020-03-01", "2020-03-02", "2020-03-03"]) {
    await testDb().auditEvent.create({
      data: {
        action: rangeAction,
        actorEmail: `range-${tag}@test.local`,
        targetType: "thing",
        targetId: `thing-${day}`,
        targetName: `Range ${day}`,
        at: new Date(`${day}T10:00:00Z`),
      },
    });
  }
});

describe("GET /api/admin/audit", () => {
  it("finds the sign-in events of one actor by part of the email, any case, newest first", async () => {
    const part = student.email.split("@")[0]!.toUpperCase();
    const { status, body } = await admin.json<AuditPage>(`/api/admin/audit?${qs({ actor: part })}`);
    expect(status).toBe(200);
    expect(body.items.map((e) => e.action)).toEqual(["auth.login", "auth.login.failed"]);
    expect(body.total).toBe(2);
    expect(body.page).toBe(1);
    expect(body.pageSize).toBe(50);
    const [login, failed] = body.items;
    expect(login).toMatchObject({
      actorId: student.id,
      actorEmail: student.email,
      targetType: "user",
      targetId: student.id,
      targetName: student.email,
      ip: studentClient.ip,
      details: null,
    });
    expect(failed!.details).toEqual({ reason: "bad-password" });
    expect(new Date(login!.at).getTime()).toBeGreaterThanOrEqual(new Date(failed!.at).getTime());
  });

  it("matches the actor by exact user id", async () => {
    const { body } = await admin.json<AuditPage>(`/api/admin/audit?${qs({ actor: student.id })}`);
    expect(body.items.map((e) => e.action).sort()).toEqual(["auth.login", "auth.login.failed"]);
  });

  it("matches an action exactly, or by prefix when it ends with *", async () => {
    const exact = await admin.json<AuditPage>(`/api/admin/audit?${qs({ actor: student.email, action: "auth.login" })}`);
    expect(exact.body.items.map((e) => e.action)).toEqual(["auth.login"]);
    const prefix = await admin.json<AuditPage>(`/api/admin/audit?${qs({ actor: student.email, action: "auth.*" })}`);
    expect(prefix.body.total).toBe(2);
    const failed = await admin.json<AuditPage>(
      `/api/admin/audit?${qs({ actor: student.email, action: "auth.login.failed" })}`,
    );
    expect(failed.body.items.map((e) => e.action)).toEqual(["auth.login.failed"]);
    const none = await admin.json<AuditPage>(`/api/admin/audit?${qs({ actor: student.email, action: "auth" })}`);
    expect(none.body.total).toBe(0);
  });

  it("matches a target by exact id or part of its name", async () => {
    const byId = await admin.json<AuditPage>(`/api/admin/audit?${qs({ target: student.id })}`);
    expect(byId.body.items.map((e) => e.action)).toEqual(["auth.login"]);
    const byName = await admin.json<AuditPage>(
      `/api/admin/audit?${qs({ action: rangeAction, target: "Range 2020-03-0" })}`,
    );
    expect(byName.body.total).toBe(3);
    const oneName = await admin.json<AuditPage>(
      `/api/admin/audit?${qs({ action: rangeAction, target: "thing-2020-03-02" })}`,
    );
    expect(oneName.body.items.map((e) => e.targetId)).toEqual(["thing-2020-03-02"]);
  });

  it("filters by time range: dates cover whole UTC days, date-times are exact", async () => {
    const get = async (params: Record<string, string>) =>
      (await admin.json<AuditPage>(`/api/admin/audit?${qs({ action: rangeAction, ...params })}`)).body.items.map(
        (e) => e.targetId,
      );
    expect(await get({ from: "2020-03-02", to: "2020-03-02" })).toEqual(["thing-2020-03-02"]);
    expect(await get({ from: "2020-03-01T12:00:00Z" })).toEqual(["thing-2020-03-03", "thing-2020-03-02"]);
    expect(await get({ to: "2020-03-02" })).toEqual(["thing-2020-03-02", "thing-2020-03-01"]);
    expect(await get({ from: "2020-03-02T10:00:00+00:00", to: "2020-03-03T09:59:59Z" })).toEqual(["thing-2020-03-02"]);
    expect(await get({ from: "2019-01-01", to: "2019-12-31" })).toEqual([]);
  });

  it("pages through the results", async () => {
    const page1 = await admin.json<AuditPage>(`/api/admin/audit?${qs({ action: rangeAction, pageSize: 2 })}`);
    expect(page1.body).toMatchObject({ total: 3, page: 1, pageSize: 2 });
    expect(page1.body.items.map((e) => e.targetId)).toEqual(["thing-2020-03-03", "thing-2020-03-02"]);
    const page2 = await admin.json<AuditPage>(`/api/admin/audit?${qs({ action: rangeAction, pageSize: 2, page: 2 })}`);
    expect(page2.body.items.map((e) => e.targetId)).toEqual(["thing-2020-03-01"]);
    const past = await admin.json<AuditPage>(`/api/admin/audit?${qs({ action: rangeAction, pageSize: 2, page: 3 })}`);
    expect(past.body).toMatchObject({ items: [], total: 3 });
  });

  it("treats blank filters as no filter", async () => {
    const { status, body } = await admin.json<AuditPage>(
      `/api/admin/audit?${qs({ action: rangeAction, actor: "", target: "", from: "", to: "" })}`,
    );
    expect(status).toBe(200);
    expect(body.total).toBe(3);
  });

  it("refuses from after to with 422 and a clear message", async () => {
    const { status, body } = await admin.json<ErrorBody>(
      `/api/admin/audit?${qs({ from: "2024-05-02", to: "2024-05-01" })}`,
    );
    expect(status).toBe(422);
    expect(body.error.code).toBe("VALIDATION_FAILED");
    expect(body.error.fields?.from).toMatch(/"from" \(2024-05-02\) is after "to" \(2024-05-01\)/);
    expect(body.error.message).toMatch(/after/);
  });

  it("refuses a bad date, an impossible day and a too-large page size with 422", async () => {
    const cases: Record<string, string | number>[] = [
      { from: "yesterday" },
      { to: "2024-02-30" },
      { from: "2024-01-01T10:00:00" },
      { pageSize: 201 },
      { page: 0 },
    ];
    for (const params of cases) {
      const { status, body } = await admin.json<ErrorBody>(`/api/admin/audit?${qs(params)}`);
      expect(status, JSON.stringify(params)).toBe(422);
      expect(Object.keys(body.error.fields ?? {})).toEqual([Object.keys(params)[0]]);
    }
    const { body } = await admin.json<ErrorBody>(`/api/admin/audit?${qs({ from: "yesterday" })}`);
    expect(body.error.fields?.from).toMatch(/ISO date/);
  });

  it("is for admins only: 403 for a teacher and a student, 401 for anonymous", async () => {
    for (const role of ["TEACHER", "STUDENT"] as const) {
      const { client } = await signedIn(role);
      const res = await client.json<ErrorBody>("/api/admin/audit");
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe("FORBIDDEN");
      expect((await client.fetch("/api/admin/audit/export")).status).toBe(403);
    }
    const anon = await new PortalClient(url()).json<ErrorBody>("/api/admin/audit");
    expect(anon.status).toBe(401);
    expect(anon.body.error.code).toBe("UNAUTHENTICATED");
    expect((await new PortalClient(url()).fetch("/api/admin/audit/export")).status).toBe(401);
  });
});

describe("GET /api/admin/audit/export", () => {
  it("downloads the filtered events as CSV with a header row", async () => {
    const res = await admin.fetch(`/api/admin/audit/export?${qs({ action: rangeAction, from: "2020-03-02" })}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="audit-\d{8}\.csv"$/);
    const text = await res.text();
    expect(text.endsWith("\r\n")).toBe(true);
    const rows = parseCsv(text);
    expect(rows[0]).toEqual([
      "time",
      "actorId",
      "actorEmail",
      "action",
      "targetType",
      "targetId",
      "targetName",
      "ip",
      "details",
    ]);
    expect(rows.slice(1).map((r) => r[5])).toEqual(["thing-2020-03-03", "thing-2020-03-02"]);
    expect(rows[1]![0]).toBe("2020-03-03T10:00:00.000Z");
  });

  it("escapes formulas and quotes cells the RFC 4180 way", async () => {
    const action = `test.csv.${tag}`;
    const details = JSON.stringify({ note: 'says "hi", twice\nnew line' });
    await testDb().auditEvent.create({
      data: {
        action,
        actorEmail: "=cmd|' /C calc'!A0",
        targetType: "user",
        targetId: "-1",
        targetName: "+SUM(1,2)",
        ip: "@evil",
        details,
      },
    });
    const res = await admin.fetch(`/api/admin/audit/export?${qs({ action })}`);
    expect(res.status).toBe(200);
    const text = await res.text();
    const rows = parseCsv(text);
    expect(rows).toHaveLength(2);
    const [, actorId, actorEmail, act, , targetId, targetName, ip, detailCell] = rows[1]!;
    expect(actorId).toBe("");
    expect(actorEmail).toBe("'=cmd|' /C calc'!A0");
    expect(act).toBe(action);
    expect(targetId).toBe("'-1");
    expect(targetName).toBe("'+SUM(1,2)");
    expect(ip).toBe("'@evil");
    expect(detailCell).toBe(details);
    expect(text).toContain('"\'+SUM(1,2)"');
    expect(text).not.toMatch(/(^|,)[=+@-]/m);
  });

  it("validates the filters like the list (from after to → 422)", async () => {
    const { status, body } = await admin.json<ErrorBody>(
      `/api/admin/audit/export?${qs({ from: "2024-05-02", to: "2024-05-01" })}`,
    );
    expect(status).toBe(422);
    expect(body.error.fields?.from).toMatch(/after/);
  });
});

describe("audit.jsonl", () => {
  it("has one JSON line per event with actorEmail and action", async () => {
    const file = join(inject("dataDir"), "logs", "audit", "audit.jsonl");
    const mine = async () =>
      (await readFile(file, "utf8").catch(() => ""))
        .split("\n")
        .filter(Boolean)
        .map(
          (line) =>
            JSON.parse(line) as {
              id: string;
              actorEmail: string | null;
              action: string;
              at: string;
              ip: string | null;
            },
        )
        .filter((e) => e.actorEmail === student.email);
    let lines = await mine();
    for (let i = 0; i < 40 && lines.length < 2; i++) {
      await new Promise((r) => setTimeout(r, 50));
      lines = await mine();
    }
    expect(lines.map((e) => e.action)).toEqual(["auth.login.failed", "auth.login"]);
    const rows = await testDb().auditEvent.findMany({ where: { actorEmail: student.email }, orderBy: { at: "asc" } });
    expect(lines.map((e) => e.id)).toEqual(rows.map((r) => r.id));
    expect(lines.every((e) => e.ip === studentClient.ip)).toBe(true);
  });
});

describe("/admin/audit page", () => {
  it("shows the filtered events in the table with an export link using the same filters", async () => {
    const res = await admin.fetch(`/admin/audit?${qs({ action: rangeAction, from: "2020-03-02", actor: "" })}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('data-testid="audit-table"');
    expect(html.match(/data-testid="audit-row"/g)).toHaveLength(2);
    expect(html).toContain(`/api/admin/audit/export?action=${encodeURIComponent(rangeAction)}&amp;from=2020-03-02`);
  });

  it("shows an honest empty state and the reason for bad filters", async () => {
    const empty = await (await admin.fetch(`/admin/audit?${qs({ action: `nothing.${tag}` })}`)).text();
    expect(empty).toContain("No events match these filters");
    expect(empty).not.toContain('data-testid="audit-table"');
    const bad = await (await admin.fetch(`/admin/audit?${qs({ from: "2024-05-02", to: "2024-05-01" })}`)).text();
    expect(bad).toContain("is after");
  });

  it("sends a non-admin back to the dashboard", async () => {
    const { client } = await signedIn("TEACHER");
    const res = await client.fetch("/admin/audit");
    expect([302, 303, 307, 308]).toContain(res.status);
    expect(res.headers.get("location")).toMatch(/\/dashboard\?denied=1/);
  });
});
