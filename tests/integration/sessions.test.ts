// Sessions and credentials (issue #14 items 7 and 10): where sign-in may send you, sign-out ending the copied
// cookie, a password change or reset ending tokens, "must change password" on the API, atomic failure counting
// and per-account locks that strangers cannot use against the owner.
import { randomBytes } from "node:crypto";
import { describe, expect, inject, it } from "vitest";
import WebSocket from "ws";
import { newApiToken } from "../../src/server/auth/api-tokens";
import { PortalClient } from "../support/client";
import { createUser, signedIn, signedInAdmin, testDb } from "../support/users";

const url = () => inject("portalUrl");
const ip = () => `10.201.${randomBytes(1)[0]}.${randomBytes(1)[0]}`;
type ErrorBody = { error: { code: string; message: string } };

async function tokenFor(userId: string): Promise<string> {
  const token = newApiToken();
  await testDb().apiToken.create({
    data: { userId, name: "t", prefix: token.prefix, hash: token.hash, scopes: "read write" },
  });
  return token.token;
}
const withToken = (token: string) =>
  new PortalClient(url()).fetch("/api/dashboard", { headers: { authorization: `Bearer ${token}` } });

describe("where sign-in sends you (open redirect)", () => {
  const attacks = [
    "/%5Cevil.test",
    "/\\evil.test",
    "//evil.test",
    "/%2F%2Fevil.test",
    "https://evil.test",
    "/\t/evil.test",
    "javascript:alert(1)",
  ];

  for (const next of attacks) {
    it(`a signed-in visit to /login?next=${JSON.stringify(next)} stays on the portal`, async () => {
      const { client } = await signedIn("STUDENT");
      const res = await client.fetch(`/login?next=${encodeURIComponent(next)}`);
      expect([303, 307, 308]).toContain(res.status);
      const location = res.headers.get("location")!;
      expect(new URL(location, url()).origin).toBe(new URL(url()).origin);
      expect(location).not.toMatch(/evil/);
    });
  }

  it("the sign-in form is not handed an outside destination", async () => {
    const html = await (
      await new PortalClient(url()).fetch(`/login?next=${encodeURIComponent("/%5Cevil.test")}`)
    ).text();
    // the form's `next` prop, as serialised into the page's RSC payload
    const nextProp = (page: string) => page.match(/\\"next\\":\\"([^\\"]*)\\"/)?.[1];
    expect(nextProp(html)).toBe("/");
    const ok = await (await new PortalClient(url()).fetch(`/login?next=${encodeURIComponent("/machines?x=1")}`)).text();
    expect(nextProp(ok)).toBe("/machines?x=1");
  });

  it("next-auth's callbackUrl is held to the portal too", async () => {
    const user = await createUser("STUDENT");
    const client = new PortalClient(url());
    const csrf = await client.json<{ csrfToken: string }>("/api/auth/csrf");
    for (const callbackUrl of ["https://evil.test/x", "/\\evil.test", "//evil.test"]) {
      const res = await client.fetch("/api/auth/callback/credentials", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
          csrfToken: csrf.body.csrfToken,
          email: user.email,
          password: user.password,
          callbackUrl,
          json: "true",
        }).toString(),
      });
      const body = (await res.json()) as { url: string };
      expect(new URL(body.url).origin, callbackUrl).toBe(new URL(url()).origin);
      expect(new URL(body.url).pathname, callbackUrl).not.toMatch(/evil/);
    }
  });
});

describe("sign-out ends the session on the server", () => {
  it("a copy of the cookie taken before sign-out gets 401; the user's other sessions stay", async () => {
    const { user, client } = await signedIn("STUDENT");
    const other = new PortalClient(url());
    expect(await other.signIn(user.email, user.password)).toBeNull();
    const copied = client.cookieHeader();
    const copy = () => new PortalClient(url()).fetch("/api/dashboard", { headers: { cookie: copied } });
    expect((await copy()).status).toBe(200);
    await client.signOut();
    expect((await copy()).status).toBe(401);
    // refreshing the copied cookie through next-auth does not bring it back
    await new PortalClient(url()).fetch("/api/auth/session", { headers: { cookie: copied } });
    expect((await copy()).status).toBe(401);
    expect((await other.json("/api/dashboard")).status).toBe(200);
    expect(await testDb().auditEvent.count({ where: { actorId: user.id, action: "auth.logout" } })).toBe(1);
  });
});

describe("a password change or reset ends API tokens", () => {
  it("changing the own password revokes the user's API tokens", async () => {
    const { user, client } = await signedIn("STUDENT");
    const token = await tokenFor(user.id);
    expect((await withToken(token)).status).toBe(200);
    const res = await client.fetch("/api/me/password", {
      method: "POST",
      json: { currentPassword: user.password, newPassword: "a-brand-new-password" },
    });
    expect(res.status).toBe(204);
    expect((await withToken(token)).status).toBe(401);
    expect(await testDb().apiToken.count({ where: { userId: user.id, revokedAt: null } })).toBe(0);
  });

  it("an admin's reset revokes the user's API tokens", async () => {
    const user = await createUser("TEACHER");
    const token = await tokenFor(user.id);
    expect((await withToken(token)).status).toBe(200);
    const admin = await signedInAdmin();
    const res = await admin.json(`/api/admin/users/${user.id}/reset-password`, { method: "POST", json: {} });
    expect(res.status).toBe(200);
    expect((await withToken(token)).status).toBe(401);
  });
});

describe("must change password is enforced by the API", () => {
  it("refuses everything but the profile, the password change and sign-out, then lets the new password through", async () => {
    const { user, client } = await signedIn("TEACHER");
    await testDb().user.update({ where: { id: user.id }, data: { mustChangePassword: true } });
    const refused = await client.json<ErrorBody>("/api/machines");
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe("PASSWORD_CHANGE_REQUIRED");
    expect((await client.json<ErrorBody>("/api/me", { method: "PATCH", json: { name: "x" } })).body.error.code).toBe(
      "PASSWORD_CHANGE_REQUIRED",
    );
    expect((await client.json("/api/me")).status).toBe(200);
    const ws = await new Promise<number>((resolve) => {
      const socket = new WebSocket(`${url().replace(/^http/, "ws")}/ws/events`, {
        headers: { origin: url(), cookie: client.cookieHeader() },
      });
      socket.on("close", (code) => resolve(code));
      socket.on("error", () => {});
    });
    expect(ws).toBe(4470);
    expect(
      (
        await client.fetch("/api/me/password", {
          method: "POST",
          json: { currentPassword: user.password, newPassword: "my-own-password-1" },
        })
      ).status,
    ).toBe(204);
    const fresh = new PortalClient(url());
    expect(await fresh.signIn(user.email, "my-own-password-1")).toBeNull();
    expect((await fresh.json("/api/machines")).status).toBe(200);
  });
});

describe("failure counting is atomic", () => {
  it("20 parallel wrong passwords get exactly LOGIN_MAX_FAILURES_ACCOUNT (5) verifications; the rest are locked", async () => {
    const user = await createUser("STUDENT");
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => new PortalClient(url(), ip()).signIn(user.email, `wrong-${i}`)),
    );
    expect(answers.filter((a) => a === "Invalid email or password.")).toHaveLength(5);
    expect(answers.filter((a) => a?.startsWith("Too many sign-in attempts"))).toHaveLength(15);
    expect(await testDb().auditEvent.count({ where: { actorEmail: user.email, action: "auth.login.failed" } })).toBe(5);
    expect((await testDb().loginThrottle.findUnique({ where: { key: `acct:${user.email}` } }))?.failures).toBe(5);
  });
});

describe("strangers cannot lock the owner out", () => {
  it("an address that signed in before keeps signing in with the right password while strangers are locked", async () => {
    const user = await createUser("ADMIN");
    const home = ip();
    const owner = new PortalClient(url(), home);
    expect(await owner.signIn(user.email, user.password)).toBeNull();
    await owner.signOut();

    for (let i = 0; i < 6; i++) await new PortalClient(url(), ip()).signIn(user.email, `guess-${i}`);
    // a stranger, even with the right password, waits
    expect(await new PortalClient(url(), ip()).signIn(user.email, user.password)).toMatch(/^Too many sign-in attempts/);
    // the owner's known address does not
    expect(await new PortalClient(url(), home).signIn(user.email, user.password)).toBeNull();
    // and is throttled on its own counter when it guesses
    for (let i = 0; i < 5; i++)
      expect(await new PortalClient(url(), home).signIn(user.email, `typo-${i}`)).toBe("Invalid email or password.");
    expect(await new PortalClient(url(), home).signIn(user.email, user.password)).toMatch(/^Too many sign-in attempts/);
  });
});
