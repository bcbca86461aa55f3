import { randomBytes } from "node:crypto";
import { describe, expect, inject, it } from "vitest";
import { PortalClient } from "../support/client";
import { createUser, signedIn, testDb, uniqueEmail } from "../support/users";

const url = () => inject("portalUrl");

describe("health", () => {
  it("answers without sign-in with database status and version", async () => {
    const { status, body } = await new PortalClient(url()).json<{
      status: string;
      version: string;
      uptimeSeconds: number;
      database: { ok: boolean };
    }>("/api/health");
    expect(status).toBe(200);
    expect(body.status).toBe("ok");
    expect(body.database.ok).toBe(true);
    expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(body.uptimeSeconds).toBeGreaterThanOrEqual(0);
  });
});

describe("sign-in", () => {
  it("signs in with the right password and the session reaches the API", async () => {
    const user = await createUser("STUDENT");
    const client = new PortalClient(url());
    expect(await client.signIn(user.email, user.password)).toBeNull();
    const { status, body } = await client.json<{ role: string }>("/api/dashboard");
    expect(status).toBe(200);
    expect(body.role).toBe("STUDENT");
  });

  it("answers a wrong password and an unknown account with the same generic message", async () => {
    const user = await createUser("STUDENT");
    const wrong = await new PortalClient(url()).signIn(user.email, "not-the-password");
    const unknown = await new PortalClient(url()).signIn(uniqueEmail("nobody"), "whatever-password");
    expect(wrong).toBe("Invalid email or password.");
    expect(unknown).toBe(wrong);
  });

  it("locks an account after repeated failures, from any address, with backoff; the right password waits too", async () => {
    const user = await createUser("STUDENT");
    for (let i = 0; i < 5; i++) {
      expect(await new PortalClient(url()).signIn(user.email, `wrong-${i}`)).toBe("Invalid email or password.");
    }
    const locked = await new PortalClient(url()).signIn(user.email, user.password);
    expect(locked).toMatch(/^Too many sign-in attempts\. Try again in (\d+) seconds\.$/);
    const seconds = Number(locked!.match(/(\d+) seconds/)![1]);
    expect(seconds).toBeGreaterThan(20);
    expect(seconds).toBeLessThanOrEqual(30);
    const row = await testDb().loginThrottle.findUnique({ where: { key: `acct:${user.email}` } });
    expect(row?.failures).toBe(5);
  });

  it("locks an unknown account the same way, so a lockout reveals nothing", async () => {
    const email = uniqueEmail("ghost");
    for (let i = 0; i < 5; i++) await new PortalClient(url()).signIn(email, `wrong-${i}`);
    expect(await new PortalClient(url()).signIn(email, "anything-at-all")).toMatch(/^Too many sign-in attempts/);
  });

  it("locks an address after many failures across accounts", async () => {
    const ip = `10.200.${randomBytes(1)[0]}.${randomBytes(1)[0]}`;
    for (let i = 0; i < 30; i++) await new PortalClient(url(), ip).signIn(uniqueEmail("spray"), "wrong-password");
    const user = await createUser("STUDENT");
    expect(await new PortalClient(url(), ip).signIn(user.email, user.password)).toMatch(/^Too many sign-in attempts/);
    expect(await new PortalClient(url()).signIn(user.email, user.password)).toBeNull();
  });

  it("refuses a disabled account with the generic message and ends its sessions", async () => {
    const { user, client } = await signedIn("TEACHER");
    await testDb().user.update({ where: { id: user.id }, data: { disabledAt: new Date() } });
    expect((await client.json("/api/dashboard")).status).toBe(401);
    expect(await new PortalClient(url()).signIn(user.email, user.password)).toBe("Invalid email or password.");
  });

  it("ends older sessions when the session version changes (password change, reset)", async () => {
    const { user, client } = await signedIn("STUDENT");
    await testDb().user.update({ where: { id: user.id }, data: { sessionVersion: { increment: 1 } } });
    expect((await client.json("/api/dashboard")).status).toBe(401);
  });

  it("signs out", async () => {
    const { client } = await signedIn("STUDENT");
    await client.signOut();
    expect((await client.json("/api/dashboard")).status).toBe(401);
  });

  it("records sign-in and failures in the audit trail with the address", async () => {
    const user = await createUser("STUDENT");
    const client = new PortalClient(url());
    await client.signIn(user.email, "bad-password!");
    await client.signIn(user.email, user.password);
    const events = await testDb().auditEvent.findMany({ where: { actorEmail: user.email }, orderBy: { at: "asc" } });
    expect(events.map((e) => e.action)).toEqual(["auth.login.failed", "auth.login"]);
    expect(events.every((e) => e.ip === client.ip)).toBe(true);
  });
});
