import { describe, expect, it } from "vitest";
import { ZClassSettings, ZCreateInvite, ZSignup } from "../../src/server/classes/routes";
import { ZCreateHost } from "../../src/server/hosts/routes";
import { zName } from "../../src/server/http/zod-text";
import { ZCreateTemplate, ZUpdateTemplate } from "../../src/server/templates/routes";
import { ZCreateToken } from "../../src/server/tokens/routes";
import { ZCreateUser, ZUpdateMe } from "../../src/server/users/routes";

const HOSTILE = [
  "a\u0000b",
  "a\u001b[31mred",
  "tab\there",
  "del\u007f",
  "c1\u009b31m",
  "txt\u202Eexe.doc",
  "iso\u2066late\u2069",
  "mark\u200F",
  "line\u2028sep",
];

describe("one-line names", () => {
  it("refuse control characters and bidi overrides with a field message", () => {
    for (const bad of HOSTILE) {
      const r = zName(80).safeParse(bad);
      expect(r.success, JSON.stringify(bad)).toBe(false);
      expect(r.error?.issues[0]?.message).toMatch(/control characters and text-direction marks/);
    }
  });

  it("accept ordinary names in any script, trimmed", () => {
    for (const good of ["Ann O'Neil", "Zoë Ångström", "محمد", "李雷", "Net-Lab 2 (B)"])
      expect(zName(80).parse(` ${good} `)).toBe(good);
  });

  it("apply to every name field", () => {
    const esc = "Evil\u001b]0;pwned\u0007";
    const checks: [
      string,
      { safeParse: (v: unknown) => { success: boolean; error?: { issues: { path: PropertyKey[] }[] } } },
      Record<string, unknown>,
      string,
    ][] = [
      ["user", ZCreateUser, { email: "a@b.org", name: esc, role: "STUDENT" }, "name"],
      ["me", ZUpdateMe, { name: esc }, "name"],
      ["template", ZCreateTemplate, { name: esc, kind: "LIBVIRT" }, "name"],
      [
        "host",
        ZCreateHost,
        { name: esc, kind: "LIBVIRT", uri: "qemu:///system", vcpus: 1, memoryMb: 64, diskGb: 1, maxMachines: 1 },
        "name",
      ],
      ["class", ZClassSettings, { name: esc }, "name"],
      ["invite label", ZCreateInvite, { label: esc }, "label"],
      ["signup", ZSignup, { name: esc, email: "a@b.org", password: "a-long-password" }, "name"],
      ["token", ZCreateToken, { name: esc, scopes: ["read"] }, "name"],
    ];
    for (const [what, schema, input, field] of checks) {
      const r = schema.safeParse(input);
      expect(r.success, what).toBe(false);
      expect(
        r.error?.issues.some((i) => i.path[0] === field),
        what,
      ).toBe(true);
    }
  });
});

describe("a template's SSH user", () => {
  it("is checked the same way on edit as on create", () => {
    for (const bad of ["root; rm -rf /", "Student", "-oProxyCommand=x", "a\u0000"]) {
      expect(ZCreateTemplate.safeParse({ name: "t", kind: "LIBVIRT", sshUser: bad }).success, bad).toBe(false);
      const r = ZUpdateTemplate.safeParse({ sshUser: bad });
      expect(r.success, bad).toBe(false);
      expect(r.error?.issues[0]?.message).toBe("A Unix user name like student.");
    }
    expect(ZUpdateTemplate.parse({ sshUser: "student" }).sshUser).toBe("student");
    expect(ZUpdateTemplate.parse({ sshUser: "" }).sshUser).toBeNull();
    expect(ZUpdateTemplate.parse({ sshUser: null }).sshUser).toBeNull();
  });
});
