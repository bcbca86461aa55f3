// Names refuse control characters and bidi overrides (a clear message on the field), and a template's SSH user
// is checked on edit exactly as on create — through the real API.
import { describe, expect, it } from "vitest";
import { signedIn, signedInAdmin, uniqueEmail } from "../support/users";

type Err = { error: { code: string; message: string; fields?: Record<string, string> } };

describe("input hygiene", () => {
  it("refuses names with control characters or bidi overrides", async () => {
    const admin = await signedInAdmin();
    const { client: teacher } = await signedIn("TEACHER");
    const attempts: [typeof admin, string, string, Record<string, unknown>][] = [
      [admin, "POST", "/api/admin/users", { email: uniqueEmail("ctl"), name: "Mallory\u0000Admin", role: "STUDENT" }],
      [admin, "POST", "/api/admin/users", { email: uniqueEmail("ctl"), name: "report\u202Efdp.exe", role: "STUDENT" }],
      [teacher, "PATCH", "/api/me", { name: "Me\u001b[2J" }],
      [teacher, "POST", "/api/templates", { name: "tpl\u009b1m", kind: "LIBVIRT" }],
      [admin, "POST", "/api/admin/hosts/test", { name: "host\u0007", kind: "LIBVIRT", uri: "qemu:///system" }],
    ];
    for (const [client, method, path, json] of attempts) {
      const res = await client.json<Err>(path, { method, json });
      expect(res.status, `${method} ${path} ${JSON.stringify(json)}`).toBe(422);
      expect(res.body.error.fields?.name).toMatch(/control characters and text-direction marks/);
    }
  });

  it("checks a template's SSH user on edit as on create", async () => {
    const { client: teacher } = await signedIn("TEACHER");
    const created = await teacher.json<{ id: string; sshUser: string | null }>("/api/templates", {
      method: "POST",
      json: { name: `ssh-user-${Date.now().toString(36)}`, kind: "LIBVIRT", sshUser: "student" },
    });
    expect(created.status).toBe(201);
    const bad = await teacher.json<Err>("/api/templates", {
      method: "POST",
      json: { name: "x", kind: "LIBVIRT", sshUser: "root -oProxyCommand=x" },
    });
    expect(bad.status).toBe(422);
    for (const sshUser of ["root -oProxyCommand=x", "Student;id", "a\u0000"]) {
      const res = await teacher.json<Err>(`/api/templates/${created.body.id}`, { method: "PATCH", json: { sshUser } });
      expect(res.status, sshUser).toBe(422);
      expect(res.body.error.fields?.sshUser).toBe("A Unix user name like student.");
    }
    const t = await teacher.json<{ sshUser: string | null }>(`/api/templates/${created.body.id}`);
    expect(t.body.sshUser).toBe("student");
    const ok = await teacher.json<{ sshUser: string | null }>(`/api/templates/${created.body.id}`, {
      method: "PATCH",
      json: { sshUser: "lab_user" },
    });
    expect(ok.status).toBe(200);
    expect(ok.body.sshUser).toBe("lab_user");
    const cleared = await teacher.json<{ sshUser: string | null }>(`/api/templates/${created.body.id}`, {
      method: "PATCH",
      json: { sshUser: "" },
    });
    expect(cleared.body.sshUser).toBeNull();
    expect((await teacher.fetch(`/api/templates/${created.body.id}`, { method: "DELETE" })).status).toBe(204);
  });
});
