// Personal API tokens against a real portal: create (shown once, stored hashed, listed by prefix), scopes, the
// admin scope for admins only, expiry, immediate revocation by the owner and by an admin, token.use auditing
// (coalesced), and a docker exec console opened with a token that closes when the token is revoked.
import { createHash } from "node:crypto";
import { describe, expect, inject, it } from "vitest";
import WebSocket from "ws";
import { requireAssets } from "../support/assets";
import { PortalClient } from "../support/client";
import { createContainerTemplate, ensureHosts, waitFor, waitForJob, waitForState } from "../support/machines";
import { signedIn, signedInAdmin, testDb } from "../support/users";

type TokenRow = {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  status: "active" | "expired" | "revoked";
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  lastUsedIp: string | null;
  revokedAt: string | null;
};
type Created = TokenRow & { token: string };
type AdminRow = TokenRow & { owner: { id: string; email: string; name: string; role: string } };
type AdminList = { items: AdminRow[]; total: number; page: number; pageSize: number };
type ErrorBody = { error: { code: string; message: string; fields?: Record<string, string> } };

const url = () => inject("portalUrl");
const DAY = 86_400_000;

async function createToken(client: PortalClient, body: Record<string, unknown>) {
  return client.json<Created & ErrorBody>("/api/me/tokens", { method: "POST", json: body });
}

/** A client that sends only the Bearer token (no cookie), from its own address. */
function bearer(token: string) {
  const client = new PortalClient(url());
  const call = <T>(path: string, init: RequestInit & { json?: unknown } = {}) =>
    client.json<T>(path, {
      ...init,
      headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${token}` },
    });
  return { client, call };
}

function auditOf(action: string, targetId: string) {
  return testDb().auditEvent.findMany({ where: { action, targetId }, orderBy: { at: "asc" } });
}

describe("creating and listing tokens", () => {
  it("shows the token once, stores only its hash, and lists it by prefix with scopes and expiry", async () => {
    const { client, user } = await signedIn("STUDENT");
    const before = Date.now();
    const res = await createToken(client, { name: "  grading script ", scopes: ["read", "write"] });
    expect(res.status).toBe(201);
    expect(res.body.token).toMatch(/^lpt_[A-Za-z0-9_-]{43}$/);
    expect(res.body).toMatchObject({
      name: "grading script",
      scopes: ["read", "write"],
      status: "active",
      prefix: res.body.token.slice(0, 12),
      lastUsedAt: null,
      revokedAt: null,
    });
    // default expiry: 90 days
    const expires = new Date(res.body.expiresAt as string).getTime();
    expect(expires).toBeGreaterThanOrEqual(before + 90 * DAY - 5000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 90 * DAY + 5000);

    const row = await testDb().apiToken.findUniqueOrThrow({ where: { id: res.body.id } });
    expect(row.userId).toBe(user.id);
    expect(row.hash).toBe(createHash("sha256").update(res.body.token).digest("hex"));
    expect(JSON.stringify(row)).not.toContain(res.body.token);

    const list = await client.json<{ items: TokenRow[] }>("/api/me/tokens");
    expect(list.status).toBe(200);
    expect(list.body.items.map((t) => t.id)).toEqual([res.body.id]);
    expect(list.body.items[0]?.prefix).toBe(res.body.prefix);
    expect(JSON.stringify(list.body)).not.toContain(res.body.token);
    expect(list.body.items[0]).not.toHaveProperty("token");
    expect(list.body.items[0]).not.toHaveProperty("hash");

    const audit = await auditOf("token.create", res.body.id);
    expect(audit).toHaveLength(1);
    expect(audit[0]?.actorId).toBe(user.id);
    expect(JSON.parse(audit[0]?.details ?? "{}")).toMatchObject({
      prefix: res.body.prefix,
      scopes: ["read", "write"],
      days: 90,
    });
    expect(audit[0]?.details).not.toContain(res.body.token);
  });

  it("refuses bad input with field messages and creates nothing", async () => {
    const { client, user } = await signedIn("TEACHER");
    const cases: [Record<string, unknown>, string][] = [
      [{ name: "", scopes: ["read"] }, "name"],
      [{ name: "x".repeat(81), scopes: ["read"] }, "name"],
      [{ name: "ok", scopes: [] }, "scopes"],
      [{ name: "ok", scopes: ["root"] }, "scopes.0"],
      [{ name: "ok", scopes: ["read"], expiresInDays: 0 }, "expiresInDays"],
      [{ name: "ok", scopes: ["read"], expiresInDays: 366 }, "expiresInDays"],
      [{ name: "ok", scopes: ["read"], expiresInDays: "never" }, "expiresInDays"],
    ];
    for (const [body, field] of cases) {
      const res = await createToken(client, body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body.error.code).toBe("VALIDATION_FAILED");
      expect(res.body.error.fields?.[field], JSON.stringify(res.body.error)).toBeTruthy();
    }
    expect(await testDb().apiToken.count({ where: { userId: user.id } })).toBe(0);
    const custom = await createToken(client, { name: "one day", scopes: ["read"], expiresInDays: 1 });
    expect(custom.status).toBe(201);
    expect(new Date(custom.body.expiresAt as string).getTime() - Date.now()).toBeLessThanOrEqual(DAY);
  });

  it("gives the admin scope to administrators only: a teacher asking for it gets a 403 that says why", async () => {
    const { client: teacher, user } = await signedIn("TEACHER");
    const refused = await createToken(teacher, { name: "too much", scopes: ["read", "admin"] });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe("FORBIDDEN");
    expect(refused.body.error.message).toMatch(/administrators/i);
    expect(refused.body.error.fields?.scopes).toBeTruthy();
    expect(await testDb().apiToken.count({ where: { userId: user.id } })).toBe(0);

    const { client: admin } = await signedIn("ADMIN");
    const ok = await createToken(admin, { name: "ops", scopes: ["read", "admin"] });
    expect(ok.status).toBe(201);
    const { call } = bearer(ok.body.token);
    expect((await call("/api/admin/users")).status).toBe(200);
  });

  it("an API token cannot create tokens (a leaked token must not outlive itself)", async () => {
    const { client } = await signedIn("ADMIN");
    const created = await createToken(client, { name: "ci", scopes: ["read", "write", "admin"], expiresInDays: 1 });
    const { call } = bearer(created.body.token);
    const res = await call<ErrorBody>("/api/me/tokens", {
      method: "POST",
      json: { name: "forever", scopes: ["read"], expiresInDays: 365 },
    });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toMatch(/cannot create API tokens/);
    // but it may list the tokens (read) and revoke one (write)
    expect((await call<{ items: TokenRow[] }>("/api/me/tokens")).body.items).toHaveLength(1);
  });
});

describe("using tokens", () => {
  it("a read token can GET but not POST; the 403 names the missing scope", async () => {
    const { client } = await signedIn("TEACHER");
    const created = await createToken(client, { name: "reader", scopes: ["read"] });
    const { call } = bearer(created.body.token);
    const list = await call<{ items: unknown[] }>("/api/machines");
    expect(list.status).toBe(200);
    expect(Array.isArray(list.body.items)).toBe(true);
    const write = await call<ErrorBody>("/api/machines", { method: "POST", json: { templateId: "x", name: "nope" } });
    expect(write.status).toBe(403);
    expect(write.body.error.message).toContain('"write" scope');
    const me = await call<ErrorBody>("/api/me", { method: "PATCH", json: { name: "renamed" } });
    expect(me.status).toBe(403);
  });

  it("an expired token is refused with 401; a revoked one at once", async () => {
    const { client } = await signedIn("STUDENT");
    const created = await createToken(client, { name: "short", scopes: ["read"] });
    const { call } = bearer(created.body.token);
    expect((await call("/api/dashboard")).status).toBe(200);
    await testDb().apiToken.update({
      where: { id: created.body.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const expired = await call<ErrorBody>("/api/dashboard");
    expect(expired.status).toBe(401);
    expect(expired.body.error.code).toBe("UNAUTHENTICATED");
    const listed = (await client.json<{ items: TokenRow[] }>("/api/me/tokens")).body.items.find(
      (t) => t.id === created.body.id,
    );
    expect(listed?.status).toBe("expired");

    const second = await createToken(client, { name: "revoke me", scopes: ["read", "write"] });
    const b = bearer(second.body.token);
    expect((await b.call("/api/dashboard")).status).toBe(200);
    const revoked = await client.json<TokenRow>(`/api/me/tokens/${second.body.id}`, { method: "DELETE" });
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ id: second.body.id, status: "revoked" });
    expect(revoked.body.revokedAt).toBeTruthy();
    expect((await b.call("/api/dashboard")).status).toBe(401);
    // revoking again changes nothing and is audited once
    expect((await client.json<TokenRow>(`/api/me/tokens/${second.body.id}`, { method: "DELETE" })).body.revokedAt).toBe(
      revoked.body.revokedAt,
    );
    const audit = await auditOf("token.revoke", second.body.id);
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]?.details ?? "{}")).toMatchObject({ prefix: second.body.prefix, byAdmin: false });
  });

  it("a token can revoke itself, and nobody else's through /api/me/tokens", async () => {
    const { client: alice } = await signedIn("STUDENT");
    const { client: bob } = await signedIn("STUDENT");
    const aliceToken = await createToken(alice, { name: "alice", scopes: ["read", "write"] });
    const bobToken = await createToken(bob, { name: "bob", scopes: ["read", "write"] });
    expect((await alice.fetch(`/api/me/tokens/${bobToken.body.id}`, { method: "DELETE" })).status).toBe(404);
    expect(
      (await bearer(aliceToken.body.token).call(`/api/me/tokens/${bobToken.body.id}`, { method: "DELETE" })).status,
    ).toBe(404);
    expect((await bearer(bobToken.body.token).call("/api/dashboard")).status).toBe(200);
    const self = await bearer(aliceToken.body.token).call<TokenRow>(`/api/me/tokens/${aliceToken.body.id}`, {
      method: "DELETE",
    });
    expect(self.body.status).toBe("revoked");
    expect((await bearer(aliceToken.body.token).call("/api/dashboard")).status).toBe(401);
  });

  it("audits every use as token.use (at most one event a minute per token, with a count) and shows last use time and address", async () => {
    const { client, user } = await signedIn("STUDENT");
    const created = await createToken(client, { name: "audited", scopes: ["read"] });
    const { client: api, call } = bearer(created.body.token);
    expect((await call("/api/machines?scope=mine")).status).toBe(200);
    const first = await waitFor(
      "token.use",
      () => auditOf("token.use", created.body.id),
      (rows) => rows.length === 1,
      10_000,
    );
    expect(first[0]).toMatchObject({ actorId: user.id, targetType: "token", targetName: "audited", ip: api.ip });
    // the path only: never the query string
    expect(JSON.parse(first[0]?.details ?? "{}")).toEqual({ method: "GET", path: "/api/machines", count: 1 });
    // a refused request with the token is a use as well; both are counted into the minute's one event
    for (let i = 0; i < 4; i++) await call("/api/dashboard");
    expect((await call("/api/machines", { method: "POST", json: {} })).status).toBe(403);
    await new Promise((r) => setTimeout(r, 500));
    expect(await auditOf("token.use", created.body.id)).toHaveLength(1);

    const listed = (await client.json<{ items: TokenRow[] }>("/api/me/tokens")).body.items.find(
      (t) => t.id === created.body.id,
    );
    expect(listed?.lastUsedIp).toBe(api.ip);
    expect(Date.now() - new Date(listed?.lastUsedAt as string).getTime()).toBeLessThan(60_000);
  });
});

describe("admin tokens", () => {
  it("lists every token with its owner, filters by owner and status, and revokes anyone's token", async () => {
    const admin = await signedInAdmin();
    const { client: teacher, user } = await signedIn("TEACHER");
    const live = await createToken(teacher, { name: "teacher live", scopes: ["read", "write"] });
    const gone = await createToken(teacher, { name: "teacher gone", scopes: ["read"] });
    await teacher.fetch(`/api/me/tokens/${gone.body.id}`, { method: "DELETE" });

    const all = await admin.json<AdminList>(`/api/admin/tokens?userId=${user.id}&status=`);
    expect(all.status).toBe(200);
    expect(all.body.total).toBe(2);
    expect(all.body.items.find((t) => t.id === live.body.id)?.owner).toEqual({
      id: user.id,
      email: user.email,
      name: user.name,
      role: "TEACHER",
    });
    expect(JSON.stringify(all.body)).not.toContain(live.body.token);
    const active = await admin.json<AdminList>(`/api/admin/tokens?userId=${user.id}&status=active`);
    expect(active.body.items.map((t) => t.id)).toEqual([live.body.id]);
    const revokedList = await admin.json<AdminList>(`/api/admin/tokens?userId=${user.id}&status=revoked`);
    expect(revokedList.body.items.map((t) => t.id)).toEqual([gone.body.id]);
    const search = await admin.json<AdminList>(`/api/admin/tokens?q=${encodeURIComponent(user.email.toUpperCase())}`);
    expect(search.body.items.map((t) => t.id).sort()).toEqual([live.body.id, gone.body.id].sort());
    const byPrefix = await admin.json<AdminList>(`/api/admin/tokens?q=${encodeURIComponent(live.body.prefix)}`);
    expect(byPrefix.body.items.map((t) => t.id)).toEqual([live.body.id]);
    expect((await admin.json<ErrorBody>("/api/admin/tokens?status=lost")).status).toBe(422);

    // only admins
    expect((await teacher.fetch("/api/admin/tokens")).status).toBe(403);
    expect((await teacher.fetch(`/api/admin/tokens/${live.body.id}`, { method: "DELETE" })).status).toBe(403);
    expect((await admin.fetch("/api/admin/tokens/nope", { method: "DELETE" })).status).toBe(404);

    const { call } = bearer(live.body.token);
    expect((await call("/api/dashboard")).status).toBe(200);
    const res = await admin.json<AdminRow>(`/api/admin/tokens/${live.body.id}`, { method: "DELETE" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: live.body.id, status: "revoked", owner: { id: user.id } });
    expect((await call("/api/dashboard")).status).toBe(401);
    const audit = await auditOf("token.revoke", live.body.id);
    expect(audit).toHaveLength(1);
    expect(audit[0]?.actorEmail).toBe(inject("admin").email);
    expect(JSON.parse(audit[0]?.details ?? "{}")).toMatchObject({ owner: user.email, byAdmin: true });
    // the owner sees it revoked
    expect(
      (await teacher.json<{ items: TokenRow[] }>("/api/me/tokens")).body.items.find((t) => t.id === live.body.id)
        ?.status,
    ).toBe("revoked");
  });
});

/** Opens a console WebSocket as an API client: Bearer token, no cookie, no Origin. */
function openWithToken(path: string, token: string, ip: string) {
  return new WebSocket(`${url().replace(/^http/, "ws")}${path}`, {
    headers: { authorization: `Bearer ${token}`, "x-forwarded-for": ip },
  });
}

function closed(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => ws.on("close", (code, reason) => resolve({ code, reason: reason.toString() })));
}

describe("consoles opened with a token", () => {
  it("machines routes work with a write token; a console opened with a token is audited and closes when the token is revoked", async () => {
    await requireAssets("docker");
    const admin = await signedInAdmin();
    await ensureHosts(admin);
    const templateId = await createContainerTemplate(admin);
    const { client: owner, user } = await signedIn("ADMIN");
    const writer = await createToken(owner, { name: "machine script", scopes: ["read", "write"] });
    const { call } = bearer(writer.body.token);

    // machines through the API with the token alone
    const made = await call<{ job: { id: string }; machines: { id: string }[] } & ErrorBody>("/api/machines", {
      method: "POST",
      json: { templateId, name: "token ct" },
    });
    expect(made.status, JSON.stringify(made.body)).toBe(202);
    const id = made.body.machines[0]?.id as string;
    await waitForJob(admin, made.body.job.id);
    expect((await testDb().machine.findUniqueOrThrow({ where: { id } })).ownerId).toBe(user.id);
    expect((await call(`/api/machines/${id}/start`, { method: "POST", json: {} })).status).toBe(202);
    await waitForState(admin, id, "RUNNING");

    // a ticket with the write token, the WebSocket with a second, fresh token (so its first use is the upgrade)
    const opener = await createToken(owner, { name: "console opener", scopes: ["read", "write"] });
    const ip = "10.98.1.2";
    const t = await call<{ url: string }>(`/api/machines/${id}/console`, { method: "POST", json: { kind: "exec" } });
    expect(t.status).toBe(201);
    const ws = openWithToken(t.body.url, opener.body.token, ip);
    let screen = "";
    ws.on("message", (d: Buffer, binary: boolean) => {
      if (binary) screen += d.toString("utf8");
    });
    const ending = closed(ws);
    await new Promise((resolve, reject) => {
      ws.once("open", resolve);
      ws.once("close", (code, reason) => reject(new Error(`closed ${code} ${reason}`)));
    });
    ws.send(Buffer.from("echo via-token-$((6*7))\n"));
    await waitFor(
      "shell output",
      async () => screen,
      (s) => s.includes("via-token-42"),
      15_000,
    );

    // the session row carries the token; the upgrade is a token.use with the path only (no ticket)
    const session = await waitFor(
      "session",
      () => testDb().consoleSession.findFirst({ where: { machineId: id, closedAt: null } }),
      Boolean,
      10_000,
    );
    expect(session?.tokenId).toBe(opener.body.id);
    const use = await waitFor(
      "token.use of the upgrade",
      () => auditOf("token.use", opener.body.id),
      (rows) => rows.length === 1,
      10_000,
    );
    expect(JSON.parse(use[0]?.details ?? "{}")).toEqual({
      method: "GET",
      path: `/ws/machines/${id}/console`,
      count: 1,
    });
    expect(use[0]?.ip).toBe(ip);

    // a console opened with another token (or a session) stays open when this token is revoked
    const other = await call<{ url: string }>(`/api/machines/${id}/console`, {
      method: "POST",
      json: { kind: "exec" },
    });
    const bystander = openWithToken(other.body.url, writer.body.token, ip);
    const bystanderEnding = closed(bystander);
    await new Promise((resolve) => bystander.once("open", resolve));

    const revoked = await owner.json<TokenRow>(`/api/me/tokens/${opener.body.id}`, { method: "DELETE" });
    expect(revoked.status).toBe(200);
    const end = await ending;
    expect(end.code).toBe(4469); // CONSOLE_CLOSED
    expect(end.reason).toMatch(/token .*revoked/i);
    const closedRow = await waitFor(
      "session closed",
      () => testDb().consoleSession.findUniqueOrThrow({ where: { id: session!.id } }),
      (s) => s.closedAt !== null,
      10_000,
    );
    expect(closedRow.closeReason).toMatch(/revoked/);
    expect(JSON.parse((await auditOf("token.revoke", opener.body.id))[0]?.details ?? "{}")).toMatchObject({
      consolesClosed: 1,
    });
    expect(bystander.readyState).toBe(WebSocket.OPEN);

    // an admin revoking the other token closes that console too
    const adminRevoke = await admin.json<AdminRow>(`/api/admin/tokens/${writer.body.id}`, { method: "DELETE" });
    expect(adminRevoke.status).toBe(200);
    expect((await bystanderEnding).code).toBe(4469);

    // and the revoked token cannot open a new console
    const session2 = await owner.json<{ url: string }>(`/api/machines/${id}/console`, {
      method: "POST",
      json: { kind: "exec" },
    });
    expect((await closed(openWithToken(session2.body.url, opener.body.token, ip))).code).toBe(4401);

    // a console opened with a token ends when the token expires
    const short = await createToken(owner, { name: "short-lived", scopes: ["read", "write"], expiresInDays: 1 });
    await testDb().apiToken.update({ where: { id: short.body.id }, data: { expiresAt: new Date(Date.now() + 4000) } });
    const t3 = await owner.json<{ url: string }>(`/api/machines/${id}/console`, {
      method: "POST",
      json: { kind: "exec" },
    });
    const expiring = openWithToken(t3.body.url, short.body.token, ip);
    const expiryEnding = closed(expiring);
    await new Promise((resolve) => expiring.once("open", resolve));
    const openedAt = Date.now();
    const expiry = await expiryEnding;
    expect(expiry.code).toBe(4469);
    expect(expiry.reason).toMatch(/expired/);
    expect(Date.now() - openedAt).toBeLessThan(10_000);

    await admin.json(`/api/machines/${id}`, { method: "DELETE" });
    await waitFor(
      "delete",
      () => admin.fetch(`/api/machines/${id}`).then((r) => r.status),
      (s) => s === 404,
      30_000,
    );
  }, 180_000);
});
