import { randomBytes } from "node:crypto";
import { describe, expect, inject, it } from "vitest";
import { PortalClient } from "../support/client";
import { createUser, signedIn, signedInAdmin, testDb, uniqueEmail } from "../support/users";

const url = () => inject("portalUrl");

type UserRow = {
  id: string;
  email: string;
  name: string;
  role: string;
  disabled: boolean;
  mustChangePassword: boolean;
  lastLoginAt: string | null;
  createdAt: string;
};
type UserList = { items: UserRow[]; total: number; page: number; pageSize: number };
type ErrorBody = { error: { code: string; message: string; fields?: Record<string, string> } };
type ImportResult = {
  created: number;
  skipped: number;
  failed: number;
  rows: { line: number; email: string; status: string; message?: string; temporaryPassword?: string }[];
};

async function auditOf(action: string, targetId?: string) {
  return testDb().auditEvent.findMany({ where: { action, ...(targetId ? { targetId } : {}) }, orderBy: { at: "asc" } });
}

async function canSignIn(email: string, password: string): Promise<boolean> {
  return (await new PortalClient(url()).signIn(email, password)) === null;
}

function importCsv(client: PortalClient, csv: string, contentType = "text/csv") {
  return client.json<ImportResult & ErrorBody>("/api/admin/users/import", {
    method: "POST",
    headers: { "content-type": contentType },
    body: csv,
  });
}

describe("admin users list", () => {
  it("searches email and name case-insensitively, filters by role and status, and pages", async () => {
    const admin = await signedInAdmin();
    const tag = `zq${randomBytes(4).toString("hex")}`;
    const a = await createUser("STUDENT", { name: `Alice ${tag}` });
    const b = await createUser("TEACHER", { name: `Bob ${tag}` });
    const c = await createUser("STUDENT", { email: `${tag}-carol@test.local`, name: "Carol" });
    await testDb().user.update({ where: { id: c.id }, data: { disabledAt: new Date() } });

    const all = await admin.json<UserList>(`/api/admin/users?q=${tag.toUpperCase()}`);
    expect(all.status).toBe(200);
    expect(all.body.total).toBe(3);
    expect(all.body.items.map((u) => u.email).sort()).toEqual([a.email, b.email, c.email].sort());
    const row = all.body.items.find((u) => u.id === a.id)!;
    expect(row).toMatchObject({
      email: a.email,
      name: `Alice ${tag}`,
      role: "STUDENT",
      disabled: false,
      mustChangePassword: false,
      lastLoginAt: null,
    });
    expect(new Date(row.createdAt).getTime()).toBeGreaterThan(0);
    expect(row).not.toHaveProperty("passwordHash");

    const teachers = await admin.json<UserList>(`/api/admin/users?q=${tag}&role=TEACHER`);
    expect(teachers.body.items.map((u) => u.id)).toEqual([b.id]);
    const disabled = await admin.json<UserList>(`/api/admin/users?q=${tag}&status=disabled`);
    expect(disabled.body.items.map((u) => u.id)).toEqual([c.id]);
    expect(disabled.body.items[0]!.disabled).toBe(true);
    const active = await admin.json<UserList>(`/api/admin/users?q=${tag}&status=active&role=`);
    expect(active.body.total).toBe(2);

    const page1 = await admin.json<UserList>(`/api/admin/users?q=${tag}&pageSize=2&page=1`);
    const page2 = await admin.json<UserList>(`/api/admin/users?q=${tag}&pageSize=2&page=2`);
    expect(page1.body).toMatchObject({ total: 3, page: 1, pageSize: 2 });
    expect(page1.body.items).toHaveLength(2);
    expect(page2.body.items).toHaveLength(1);
    expect(new Set([...page1.body.items, ...page2.body.items].map((u) => u.id)).size).toBe(3);

    const defaults = await admin.json<UserList>("/api/admin/users");
    expect(defaults.body).toMatchObject({ page: 1, pageSize: 25 });
    expect(defaults.body.total).toBeGreaterThanOrEqual(4);
  });

  it("rejects a page size over 100 and an unknown role or status", async () => {
    const admin = await signedInAdmin();
    for (const query of ["pageSize=101", "role=ROOT", "status=gone", "page=0"]) {
      const res = await admin.json<ErrorBody>(`/api/admin/users?${query}`);
      expect(res.status, query).toBe(422);
      expect(res.body.error.code).toBe("VALIDATION_FAILED");
    }
  });
});

describe("create user", () => {
  it("creates a user with a generated temporary password that works once shown", async () => {
    const admin = await signedInAdmin();
    const email = uniqueEmail("new");
    const res = await admin.json<UserRow & { temporaryPassword?: string }>("/api/admin/users", {
      method: "POST",
      json: { email: `  ${email.toUpperCase()} `, name: "  New Teacher ", role: "TEACHER" },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      email,
      name: "New Teacher",
      role: "TEACHER",
      disabled: false,
      mustChangePassword: true,
    });
    expect(res.body.temporaryPassword).toMatch(/^\w{4}-\w{4}-\w{4}-\w{4}$/);
    const row = await testDb().user.findUnique({ where: { email } });
    expect(row?.searchText).toBe(`${email} new teacher`);
    expect(row?.passwordHash).not.toContain(res.body.temporaryPassword);
    expect(await canSignIn(email, res.body.temporaryPassword!)).toBe(true);

    const [event] = await auditOf("user.create", res.body.id);
    expect(event).toMatchObject({
      actorEmail: inject("admin").email,
      targetType: "user",
      targetName: email,
      ip: admin.ip,
    });
    expect(JSON.parse(event!.details!)).toMatchObject({ role: "TEACHER", passwordGenerated: true });
  });

  it("uses a password the admin typed and returns no temporary password", async () => {
    const admin = await signedInAdmin();
    const email = uniqueEmail("typed");
    const res = await admin.json<UserRow & { temporaryPassword?: string }>("/api/admin/users", {
      method: "POST",
      json: { email, name: "Typed", role: "STUDENT", password: "typed-password-1" },
    });
    expect(res.status).toBe(201);
    expect(res.body.temporaryPassword).toBeUndefined();
    expect(await canSignIn(email, "typed-password-1")).toBe(true);
  });

  it("answers a duplicate email with 409 and fields.email, whatever its case", async () => {
    const admin = await signedInAdmin();
    const existing = await createUser("STUDENT");
    const res = await admin.json<ErrorBody>("/api/admin/users", {
      method: "POST",
      json: { email: existing.email.toUpperCase(), name: "Dup", role: "STUDENT" },
    });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("CONFLICT");
    expect(res.body.error.fields?.email).toMatch(/already exists/);
  });

  it("validates fields (422 with fields), JSON (400) and the content type (415)", async () => {
    const admin = await signedInAdmin();
    const bad = await admin.json<ErrorBody>("/api/admin/users", {
      method: "POST",
      json: { email: "not-an-email", name: "", role: "WIZARD", password: "short" },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error.code).toBe("VALIDATION_FAILED");
    expect(Object.keys(bad.body.error.fields ?? {}).sort()).toEqual(["email", "name", "password", "role"]);
    expect(bad.body.error.fields?.email).toMatch(/valid email/);

    const malformed = await admin.json<ErrorBody>("/api/admin/users", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"email": "x@y.org",',
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe("INVALID_JSON");

    const wrongType = await admin.json<ErrorBody>("/api/admin/users", {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: JSON.stringify({ email: uniqueEmail(), name: "X", role: "STUDENT" }),
    });
    expect(wrongType.status).toBe(415);
    expect(wrongType.body.error.code).toBe("UNSUPPORTED_MEDIA_TYPE");
  });
});

describe("update user", () => {
  it("answers an unknown id with 404", async () => {
    const admin = await signedInAdmin();
    const res = await admin.json<ErrorBody>("/api/admin/users/no-such-user", {
      method: "PATCH",
      json: { role: "TEACHER" },
    });
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({ code: "NOT_FOUND", message: "User was not found." });
    const reset = await admin.json<ErrorBody>("/api/admin/users/no-such-user/reset-password", {
      method: "POST",
      json: {},
    });
    expect(reset.status).toBe(404);
  });

  it("rejects an empty change", async () => {
    const admin = await signedInAdmin();
    const user = await createUser("STUDENT");
    const res = await admin.json<ErrorBody>(`/api/admin/users/${user.id}`, { method: "PATCH", json: {} });
    expect(res.status).toBe(422);
  });

  it("renames a user and the new name is searchable", async () => {
    const admin = await signedInAdmin();
    const user = await createUser("STUDENT");
    const tag = `ren${randomBytes(4).toString("hex")}`;
    const res = await admin.json<UserRow>(`/api/admin/users/${user.id}`, {
      method: "PATCH",
      json: { name: `Renamed ${tag}` },
    });
    expect(res.status).toBe(200);
    expect(res.body.name).toBe(`Renamed ${tag}`);
    expect((await admin.json<UserList>(`/api/admin/users?q=${tag}`)).body.items.map((u) => u.id)).toEqual([user.id]);
    expect(await auditOf("user.update", user.id)).toHaveLength(1);
  });

  it("changes a role, which ends that user's sessions", async () => {
    const admin = await signedInAdmin();
    const { user, client } = await signedIn("STUDENT");
    expect((await client.json("/api/me")).status).toBe(200);
    const res = await admin.json<UserRow>(`/api/admin/users/${user.id}`, {
      method: "PATCH",
      json: { role: "TEACHER" },
    });
    expect(res.status).toBe(200);
    expect(res.body.role).toBe("TEACHER");
    expect((await client.json("/api/me")).status).toBe(401);
    const [event] = await auditOf("user.role", user.id);
    expect(JSON.parse(event!.details!)).toEqual({ from: "STUDENT", to: "TEACHER" });

    const again = new PortalClient(url());
    expect(await again.signIn(user.email, user.password)).toBeNull();
    expect((await again.json<{ role: string }>("/api/me")).body.role).toBe("TEACHER");
  });

  it("disables a user (sessions end, sign-in refused) and enables them again", async () => {
    const admin = await signedInAdmin();
    const { user, client } = await signedIn("TEACHER");
    const off = await admin.json<UserRow>(`/api/admin/users/${user.id}`, { method: "PATCH", json: { disabled: true } });
    expect(off.status).toBe(200);
    expect(off.body.disabled).toBe(true);
    expect((await client.json("/api/me")).status).toBe(401);
    expect(await canSignIn(user.email, user.password)).toBe(false);

    const on = await admin.json<UserRow>(`/api/admin/users/${user.id}`, { method: "PATCH", json: { disabled: false } });
    expect(on.body.disabled).toBe(false);
    expect(await canSignIn(user.email, user.password)).toBe(true);
    expect(await auditOf("user.disable", user.id)).toHaveLength(1);
    expect(await auditOf("user.enable", user.id)).toHaveLength(1);
  });

  it("does not let an admin disable themselves or drop their own admin role", async () => {
    const { user, client } = await signedIn("ADMIN");
    const disable = await client.json<ErrorBody>(`/api/admin/users/${user.id}`, {
      method: "PATCH",
      json: { disabled: true },
    });
    expect(disable.status).toBe(422);
    expect(disable.body.error.fields?.disabled).toMatch(/own account/);
    const demote = await client.json<ErrorBody>(`/api/admin/users/${user.id}`, {
      method: "PATCH",
      json: { role: "TEACHER" },
    });
    expect(demote.status).toBe(422);
    expect(demote.body.error.fields?.role).toMatch(/own administrator role/);
    const row = await testDb().user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row).toMatchObject({ role: "ADMIN", disabledAt: null });
    expect((await client.json("/api/me")).status).toBe(200);
  });

  it("lets an admin disable and demote another admin", async () => {
    const admin = await signedInAdmin();
    const other = await createUser("ADMIN");
    expect(
      (
        await admin.json<UserRow>(`/api/admin/users/${other.id}`, {
          method: "PATCH",
          json: { role: "TEACHER", disabled: true },
        })
      ).body,
    ).toMatchObject({ role: "TEACHER", disabled: true });
  });
});

describe("reset password", () => {
  it("generates a temporary password: the old one stops working, sessions end, the user must choose a new one", async () => {
    const admin = await signedInAdmin();
    const { user, client } = await signedIn("STUDENT");
    const res = await admin.json<{ temporaryPassword: string }>(`/api/admin/users/${user.id}/reset-password`, {
      method: "POST",
      json: {},
    });
    expect(res.status).toBe(200);
    expect(res.body.temporaryPassword).toMatch(/^\w{4}-\w{4}-\w{4}-\w{4}$/);
    expect((await client.json("/api/me")).status).toBe(401);
    expect(await canSignIn(user.email, user.password)).toBe(false);
    const fresh = new PortalClient(url());
    expect(await fresh.signIn(user.email, res.body.temporaryPassword)).toBeNull();
    expect((await fresh.json<{ mustChangePassword: boolean }>("/api/me")).body.mustChangePassword).toBe(true);
    const [event] = await auditOf("user.password.reset", user.id);
    // the reset also revoked API tokens and closed consoles (none here)
    expect(JSON.parse(event!.details!)).toEqual({ generated: true, tokensRevoked: 0, consolesClosed: 0 });
  });

  it("uses a password the admin typed (validated) and still asks the user to change it", async () => {
    const admin = await signedInAdmin();
    const user = await createUser("STUDENT");
    const short = await admin.json<ErrorBody>(`/api/admin/users/${user.id}/reset-password`, {
      method: "POST",
      json: { password: "short" },
    });
    expect(short.status).toBe(422);
    expect(short.body.error.fields?.password).toBeTruthy();
    const res = await admin.json<{ temporaryPassword?: string }>(`/api/admin/users/${user.id}/reset-password`, {
      method: "POST",
      json: { password: "admin-chosen-pw" },
    });
    expect(res.status).toBe(200);
    expect(res.body.temporaryPassword).toBeUndefined();
    expect(await canSignIn(user.email, "admin-chosen-pw")).toBe(true);
    expect((await testDb().user.findUniqueOrThrow({ where: { id: user.id } })).mustChangePassword).toBe(true);
  });
});

describe("CSV import", () => {
  it("imports 20 students and reports bad rows, duplicates and existing accounts per row", async () => {
    const admin = await signedInAdmin();
    const tag = randomBytes(4).toString("hex");
    const existing = await createUser("STUDENT");
    const students = Array.from({ length: 20 }, (_, i) => ({
      email: `stud${i}-${tag}@school.test`,
      name: `Student ${i}`,
    }));
    const lines = [
      "Email,Name",
      ...students.map((s, i) => (i === 3 ? `"${s.email.toUpperCase()}","Doe, ${s.name}"` : `${s.email},${s.name}`)),
      "",
      `not-an-email,Broken Row`,
      `missing-name-${tag}@school.test,`,
      `${students[0]!.email},Second Copy`,
      `${existing.email},Already There`,
      `teach-${tag}@school.test,New Teacher,teacher`,
      `boss-${tag}@school.test,Would Be Admin,ADMIN`,
    ];
    const res = await importCsv(admin, `\uFEFF${lines.join("\r\n")}\r\n`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ created: 21, skipped: 1, failed: 4 });
    expect(res.body.rows).toHaveLength(26);

    const byLine = new Map(res.body.rows.map((r) => [r.line, r]));
    expect(byLine.get(2)).toMatchObject({ email: students[0]!.email, status: "created" });
    expect(byLine.get(5)).toMatchObject({ email: students[3]!.email, status: "created" });
    expect(byLine.get(23)).toMatchObject({ email: "not-an-email", status: "invalid" });
    expect(byLine.get(23)!.message).toMatch(/not a valid email/);
    expect(byLine.get(24)).toMatchObject({ status: "invalid", message: "The name is missing." });
    expect(byLine.get(25)).toMatchObject({ email: students[0]!.email, status: "invalid" });
    expect(byLine.get(25)!.message).toMatch(/line 2/);
    expect(byLine.get(26)).toMatchObject({ email: existing.email, status: "exists" });
    expect(byLine.get(27)).toMatchObject({ status: "created" });
    expect(byLine.get(28)).toMatchObject({ status: "invalid" });
    expect(byLine.get(28)!.message).toMatch(/STUDENT or TEACHER/);
    for (const r of res.body.rows) expect(Boolean(r.temporaryPassword)).toBe(r.status === "created");

    const created = await testDb().user.findMany({ where: { email: { contains: tag } }, orderBy: { email: "asc" } });
    expect(created).toHaveLength(21);
    expect(created.every((u) => u.mustChangePassword)).toBe(true);
    expect(created.find((u) => u.email === `teach-${tag}@school.test`)?.role).toBe("TEACHER");
    expect(created.find((u) => u.email === students[3]!.email)?.name).toBe("Doe, Student 3");
    expect(created.find((u) => u.email === students[0]!.email)?.name).toBe("Student 0");
    expect((await testDb().user.findUniqueOrThrow({ where: { id: existing.id } })).name).toBe(existing.name);

    expect(await canSignIn(students[7]!.email, byLine.get(9)!.temporaryPassword!)).toBe(true);

    const events = await testDb().auditEvent.findMany({
      where: { action: "user.import" },
      orderBy: { at: "desc" },
      take: 1,
    });
    expect(JSON.parse(events[0]!.details!)).toEqual({ rows: 26, created: 21, skipped: 1, failed: 4 });
    expect(await testDb().auditEvent.count({ where: { action: "user.create", targetName: { contains: tag } } })).toBe(
      21,
    );
  });

  it("works without a header row and with semicolons", async () => {
    const admin = await signedInAdmin();
    const email = uniqueEmail("semi");
    const res = await importCsv(admin, `${email};Semi Colon\n`);
    expect(res.body).toMatchObject({ created: 1, skipped: 0, failed: 0 });
    expect(res.body.rows[0]).toMatchObject({ line: 1, email, status: "created" });
  });

  it("refuses more than 2000 rows, creating nothing", async () => {
    const admin = await signedInAdmin();
    const tag = randomBytes(4).toString("hex");
    const csv = ["email,name", ...Array.from({ length: 2001 }, (_, i) => `big${i}-${tag}@school.test,Big ${i}`)].join(
      "\n",
    );
    const res = await importCsv(admin, csv);
    expect(res.status).toBe(422);
    expect(res.body.error.message).toMatch(/2001 rows.*at most 2000/);
    expect(await testDb().user.count({ where: { email: { contains: tag } } })).toBe(0);
  });

  it("rejects an empty file, an unclosed quote and a non-CSV content type", async () => {
    const admin = await signedInAdmin();
    const empty = await importCsv(admin, "email,name\n\n");
    expect(empty.status).toBe(422);
    expect(empty.body.error.fields?.csv).toMatch(/no rows/);
    const unclosed = await importCsv(admin, `email,name\n${uniqueEmail()},"Never closed\n`);
    expect(unclosed.status).toBe(422);
    expect(unclosed.body.error.fields?.csv).toMatch(/^Line 2:/);
    const json = await importCsv(admin, JSON.stringify({ csv: "a,b" }), "application/json");
    expect(json.status).toBe(415);
  });
});

describe("own profile", () => {
  it("shows and renames the signed-in user", async () => {
    const { user, client } = await signedIn("STUDENT");
    const me = await client.json<{
      id: string;
      email: string;
      name: string;
      role: string;
      mustChangePassword: boolean;
      lastLoginAt: string | null;
    }>("/api/me");
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      id: user.id,
      email: user.email,
      name: user.name,
      role: "STUDENT",
      mustChangePassword: false,
    });
    expect(me.body.lastLoginAt).not.toBeNull();
    expect(me.body).not.toHaveProperty("passwordHash");

    const renamed = await client.json<{ name: string }>("/api/me", {
      method: "PATCH",
      json: { name: "  Ada Lovelace " },
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body.name).toBe("Ada Lovelace");
    expect((await testDb().user.findUniqueOrThrow({ where: { id: user.id } })).searchText).toBe(
      `${user.email} ada lovelace`,
    );
    expect(await auditOf("user.update", user.id)).toHaveLength(1);

    const blank = await client.json<ErrorBody>("/api/me", { method: "PATCH", json: { name: "   " } });
    expect(blank.status).toBe(422);
    expect(blank.body.error.fields?.name).toBeTruthy();
  });

  it("changes the own password: wrong current → 422; afterwards the new one signs in and the old one does not", async () => {
    const { user, client } = await signedIn("TEACHER");
    await testDb().user.update({ where: { id: user.id }, data: { mustChangePassword: true } });

    const wrong = await client.json<ErrorBody>("/api/me/password", {
      method: "POST",
      json: { currentPassword: "not-my-password", newPassword: "brand-new-password" },
    });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error.fields?.currentPassword).toBeTruthy();
    const short = await client.json<ErrorBody>("/api/me/password", {
      method: "POST",
      json: { currentPassword: user.password, newPassword: "short" },
    });
    expect(short.status).toBe(422);
    expect(short.body.error.fields?.newPassword).toMatch(/10 characters/);
    const same = await client.json<ErrorBody>("/api/me/password", {
      method: "POST",
      json: { currentPassword: user.password, newPassword: user.password },
    });
    expect(same.status).toBe(422);
    expect(same.body.error.fields?.newPassword).toBeTruthy();

    const ok = await client.fetch("/api/me/password", {
      method: "POST",
      json: { currentPassword: user.password, newPassword: "brand-new-password" },
    });
    expect(ok.status).toBe(204);
    expect((await client.json("/api/me")).status).toBe(401);
    expect(await canSignIn(user.email, user.password)).toBe(false);
    const fresh = new PortalClient(url());
    expect(await fresh.signIn(user.email, "brand-new-password")).toBeNull();
    expect((await fresh.json<{ mustChangePassword: boolean }>("/api/me")).body.mustChangePassword).toBe(false);
    expect(await auditOf("user.password.change", user.id)).toHaveLength(1);
  });

  it("is not reachable for the admin API by teachers and students", async () => {
    const { client } = await signedIn("TEACHER");
    expect((await client.json("/api/admin/users")).status).toBe(403);
    expect(
      (
        await client.json("/api/admin/users", {
          method: "POST",
          json: { email: uniqueEmail(), name: "X", role: "ADMIN" },
        })
      ).status,
    ).toBe(403);
  });
});

describe("pages", () => {
  it("renders /admin/users for an admin and sends others back to the dashboard", async () => {
    const admin = await signedInAdmin();
    const page = await admin.fetch("/admin/users");
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Import students from CSV");
    expect(html).toContain("New user");

    const { client } = await signedIn("STUDENT");
    const denied = await client.fetch("/admin/users");
    expect([303, 307]).toContain(denied.status);
    expect(denied.headers.get("location")).toContain("/dashboard?denied=1");
  });

  it("renders /profile with the signed-in user's details", async () => {
    const { user, client } = await signedIn("STUDENT");
    const page = await client.fetch("/profile");
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(user.email);
    expect(html).toContain("Change password");
  });
});
