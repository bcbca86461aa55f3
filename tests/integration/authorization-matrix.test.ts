// The authorization matrix: every route handler under src/app/api and every WebSocket path, discovered from the
// code, is proven to refuse anonymous callers (401 / close 4401), callers of a wrong role (403 / 4403) and API
// tokens without the needed scope. A new route without a contract or without withAuth fails here.
import { describe, expect, inject, it } from "vitest";
import WebSocket from "ws";
import { newApiToken } from "../../src/server/auth/api-tokens";
import { WS_ROUTES } from "../../src/server/console/upgrade";
import { ALL_ROUTES, NEXT_AUTH_PATH } from "../../src/server/http/all-routes";
import { type RouteSpec, requiredScope } from "../../src/server/http/route-spec";
import { PortalClient } from "../support/client";
import { concretePath, discoverRoutes } from "../support/route-discovery";
import { createUser, signedIn, testDb } from "../support/users";

const ROLES = ["ADMIN", "TEACHER", "STUDENT"] as const;
const discovered = discoverRoutes();
const key = (method: string, path: string) => `${method} ${path}`;
const contracts = new Map(ALL_ROUTES.map((spec) => [key(spec.method, spec.path), spec]));

function request(client: PortalClient, spec: RouteSpec, headers: Record<string, string> = {}) {
  const hasBody = spec.method !== "GET" && spec.method !== "DELETE";
  return client.fetch(concretePath(spec.path), {
    method: spec.method,
    headers: { ...headers, ...(hasBody ? { "content-type": "application/json" } : {}) },
    body: hasBody ? "{}" : undefined,
  });
}

describe("route discovery", () => {
  it("finds the route handlers", () => {
    expect(discovered.length).toBeGreaterThanOrEqual(3);
    expect(discovered.map((r) => r.path)).toContain("/api/health");
  });

  for (const route of discovered) {
    if (route.path === NEXT_AUTH_PATH) continue;
    it(`${route.file} is guarded by withAuth and every method has a contract`, () => {
      expect(route.methods.length, `${route.file} exports no HTTP method`).toBeGreaterThan(0);
      expect(route.source, `${route.file} must wrap its handlers in withAuth(handler, spec)`).toMatch(/withAuth\(/);
      for (const method of route.methods) {
        expect(
          contracts.has(key(method, route.path)),
          `${method} ${route.path} has no contract in src/server/http/all-routes.ts`,
        ).toBe(true);
      }
    });
  }

  it("every contract has a route handler (no stale contracts)", () => {
    const served = new Set(discovered.flatMap((r) => r.methods.map((m) => key(m, r.path))));
    for (const spec of ALL_ROUTES)
      expect(served.has(key(spec.method, spec.path)), `${spec.method} ${spec.path}`).toBe(true);
  });

  it("next-auth's own endpoints are the only route outside withAuth", () => {
    const unguarded = discovered.filter((r) => !/withAuth\(/.test(r.source)).map((r) => r.path);
    expect(unguarded).toEqual(["/api/auth/[...nextauth]"]);
  });
});

describe("HTTP matrix", () => {
  const url = () => inject("portalUrl");

  for (const spec of ALL_ROUTES) {
    const name = `${spec.method} ${spec.path}`;
    if (spec.access === "public") {
      it(`${name} is public: an anonymous caller is not asked to sign in`, async () => {
        const res = await request(new PortalClient(url()), spec);
        expect(res.status).not.toBe(401);
        expect(res.status).toBeLessThan(500);
      });
      continue;
    }

    it(`${name}: anonymous → 401 UNAUTHENTICATED`, async () => {
      const res = await request(new PortalClient(url()), spec);
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("UNAUTHENTICATED");
    });

    it(`${name}: a forged session cookie and a bogus token → 401`, async () => {
      const forged = await request(new PortalClient(url()), spec, {
        cookie: "next-auth.session-token=eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0.x.y.z.w",
      });
      expect(forged.status).toBe(401);
      const bogus = await request(new PortalClient(url()), spec, { authorization: "Bearer lpt_not-a-real-token" });
      expect(bogus.status).toBe(401);
    });

    const allowed = spec.access === "any" ? ROLES : spec.access;
    for (const role of ROLES.filter((r) => !allowed.includes(r))) {
      it(`${name}: ${role} → 403 FORBIDDEN`, async () => {
        const { client } = await signedIn(role);
        const res = await request(client, spec);
        expect(res.status).toBe(403);
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe("FORBIDDEN");
      });
    }

    const scope = requiredScope(spec);
    const weaker = scope === "read" ? null : scope === "write" ? "read" : "read write";
    if (weaker) {
      it(`${name}: an API token without the "${scope}" scope → 403`, async () => {
        const owner = await createUser(allowed[0]!);
        const token = newApiToken();
        await testDb().apiToken.create({
          data: { userId: owner.id, name: "matrix", prefix: token.prefix, hash: token.hash, scopes: weaker },
        });
        const res = await request(new PortalClient(url()), spec, { authorization: `Bearer ${token.token}` });
        expect(res.status).toBe(403);
      });
    }
  }

  it("a revoked or expired API token is refused", async () => {
    const owner = await createUser("ADMIN");
    const revoked = newApiToken();
    const expired = newApiToken();
    await testDb().apiToken.create({
      data: {
        userId: owner.id,
        name: "r",
        prefix: revoked.prefix,
        hash: revoked.hash,
        scopes: "read",
        revokedAt: new Date(),
      },
    });
    await testDb().apiToken.create({
      data: {
        userId: owner.id,
        name: "e",
        prefix: expired.prefix,
        hash: expired.hash,
        scopes: "read",
        expiresAt: new Date(Date.now() - 1000),
      },
    });
    for (const t of [revoked, expired]) {
      const res = await new PortalClient(url()).fetch("/api/dashboard", {
        headers: { authorization: `Bearer ${t.token}` },
      });
      expect(res.status).toBe(401);
    }
  });

  it("a valid API token with the right scope is accepted", async () => {
    const owner = await createUser("STUDENT");
    const token = newApiToken();
    await testDb().apiToken.create({
      data: { userId: owner.id, name: "ok", prefix: token.prefix, hash: token.hash, scopes: "read" },
    });
    const res = await new PortalClient(url()).json<{ role: string }>("/api/dashboard", {
      headers: { authorization: `Bearer ${token.token}` },
    });
    expect(res.status).toBe(200);
    expect(res.body.role).toBe("STUDENT");
  });
});

// Cross-site requests (issue #14 item 8): a session cookie travels with any request the browser makes, so every
// state-changing call made with one must come from the portal's own origin. API tokens are not ambient: exempt.
describe("cross-site requests", () => {
  const url = () => inject("portalUrl");
  const sessions = new Map<string, Promise<PortalClient>>();
  const sessionOf = (role: (typeof ROLES)[number]) => {
    if (!sessions.has(role))
      sessions.set(
        role,
        signedIn(role).then((s) => s.client),
      );
    return sessions.get(role)!;
  };
  const tokens = new Map<string, Promise<string>>();
  const tokenOf = (role: (typeof ROLES)[number]) => {
    if (!tokens.has(role)) {
      tokens.set(
        role,
        (async () => {
          const owner = await createUser(role);
          const token = newApiToken();
          const scopes = role === "ADMIN" ? "read write admin" : "read write";
          await testDb().apiToken.create({
            data: { userId: owner.id, name: "cross-site", prefix: token.prefix, hash: token.hash, scopes },
          });
          return token.token;
        })(),
      );
    }
    return tokens.get(role)!;
  };
  const codeOf = async (res: Response) =>
    ((await res.json().catch(() => null)) as { error?: { code?: string } } | null)?.error?.code;
  const send = (client: PortalClient, spec: RouteSpec, origin: string | null, headers: Record<string, string> = {}) =>
    client.fetch(concretePath(spec.path), {
      method: spec.method,
      origin,
      headers: { ...headers, ...(spec.method !== "DELETE" ? { "content-type": "application/json" } : {}) },
      body: spec.method !== "DELETE" ? "{}" : undefined,
    });

  for (const spec of ALL_ROUTES.filter((s) => s.method !== "GET")) {
    const name = `${spec.method} ${spec.path}`;
    const role = spec.access === "public" || spec.access === "any" ? "STUDENT" : spec.access[0]!;

    it(`${name}: a session cookie from another origin, or with no Origin and no Sec-Fetch-Site → 403 CROSS_SITE_REQUEST`, async () => {
      const client = await sessionOf(role);
      for (const origin of [
        "http://evil.example",
        `${new URL(url()).protocol}//sibling.${new URL(url()).hostname}:${new URL(url()).port}`,
        "null",
        null,
      ]) {
        const res = await send(client, spec, origin);
        expect(res.status, `Origin ${origin}`).toBe(403);
        expect(await codeOf(res), `Origin ${origin}`).toBe("CROSS_SITE_REQUEST");
      }
      const crossSite = await send(client, spec, null, { "sec-fetch-site": "same-site" });
      expect(await codeOf(crossSite)).toBe("CROSS_SITE_REQUEST");
      // a browser that sent no Origin but says the request is same-origin is let through to the route itself
      const sameOrigin = await send(client, spec, null, { "sec-fetch-site": "same-origin" });
      expect(await codeOf(sameOrigin)).not.toBe("CROSS_SITE_REQUEST");
    });

    if (spec.access !== "public" && /\{\w+\}/.test(spec.path)) {
      it(`${name}: a Bearer token without Origin is not refused as cross-site`, async () => {
        const res = await send(new PortalClient(url()), spec, null, { authorization: `Bearer ${await tokenOf(role)}` });
        expect(res.status).not.toBe(401);
        expect(await codeOf(res)).not.toBe("CROSS_SITE_REQUEST");
        expect(res.status).toBeLessThan(500);
      });
    }
  }

  it("a session cookie from the portal's own origin still changes things; a Bearer token needs no Origin", async () => {
    const client = await sessionOf("STUDENT");
    const own = await client.json<{ name: string }>("/api/me", { method: "PATCH", json: { name: "Same Origin" } });
    expect(own.status).toBe(200);
    const bearer = await new PortalClient(url()).json<{ name: string }>("/api/me", {
      method: "PATCH",
      origin: null,
      headers: { authorization: `Bearer ${await tokenOf("STUDENT")}` },
      json: { name: "No Origin" },
    });
    expect(bearer.status).toBe(200);
    expect(bearer.body.name).toBe("No Origin");
  });

  it("reading needs no Origin (GET with a session cookie)", async () => {
    const client = await sessionOf("STUDENT");
    expect((await client.fetch("/api/me", { origin: "http://evil.example" })).status).toBe(200);
  });

  it("next-auth's sign-in and sign-out refuse another origin", async () => {
    const user = await createUser("STUDENT");
    const client = new PortalClient(url());
    const csrf = await client.json<{ csrfToken: string }>("/api/auth/csrf");
    const form = { csrfToken: csrf.body.csrfToken, email: user.email, password: user.password, json: "true" };
    for (const origin of ["http://evil.example", null]) {
      const res = await client.fetch("/api/auth/callback/credentials", {
        method: "POST",
        origin,
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(form).toString(),
      });
      expect(res.status).toBe(403);
      expect(await codeOf(res)).toBe("CROSS_SITE_REQUEST");
    }
    expect(await client.signIn(user.email, user.password)).toBeNull();
    const out = await client.fetch("/api/auth/signout", {
      method: "POST",
      origin: "http://evil.example",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ csrfToken: csrf.body.csrfToken, json: "true" }).toString(),
    });
    expect(out.status).toBe(403);
    expect((await client.json("/api/me")).status).toBe(200);
  });
});

// "Must change password" (issue #14 item 10c) is enforced by the API, not only by the pages.
describe("must change password", () => {
  let mustChange: Promise<PortalClient> | undefined;
  const client = () => {
    mustChange ??= (async () => {
      const { user, client } = await signedIn("ADMIN");
      await testDb().user.update({ where: { id: user.id }, data: { mustChangePassword: true } });
      return client;
    })();
    return mustChange;
  };
  const allowed = new Set(["GET /api/me", "POST /api/me/password"]);

  for (const spec of ALL_ROUTES.filter((s) => s.access !== "public" && !allowed.has(`${s.method} ${s.path}`))) {
    it(`${spec.method} ${spec.path}: a user who must change their password → 403 PASSWORD_CHANGE_REQUIRED`, async () => {
      const res = await request(await client(), spec);
      expect(res.status).toBe(403);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("PASSWORD_CHANGE_REQUIRED");
    });
  }

  it("GET /api/me still answers, so the profile page can ask for the new password", async () => {
    const res = await (await client()).json<{ mustChangePassword: boolean }>("/api/me");
    expect(res.status).toBe(200);
    expect(res.body.mustChangePassword).toBe(true);
  });
});

type WsOutcome =
  | { kind: "closed"; code: number; reason: string }
  | { kind: "http"; status: number }
  | { kind: "open"; firstMessage: string };

function tryWebSocket(path: string, headers: Record<string, string>): Promise<WsOutcome> {
  const wsUrl = inject("portalUrl").replace(/^http/, "ws") + path;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl, { headers });
    const timer = setTimeout(() => reject(new Error(`no answer on ${path}`)), 10_000);
    ws.on("unexpected-response", (_req, res) => {
      clearTimeout(timer);
      resolve({ kind: "http", status: res.statusCode ?? 0 });
    });
    ws.on("message", (data) => {
      clearTimeout(timer);
      resolve({ kind: "open", firstMessage: data.toString() });
      ws.close();
    });
    ws.on("close", (code, reason) => {
      clearTimeout(timer);
      resolve({ kind: "closed", code, reason: reason.toString() });
    });
    ws.on("error", () => {});
  });
}

describe("WebSocket matrix", () => {
  const origin = () => inject("portalUrl");

  for (const route of WS_ROUTES) {
    it(`${route.path}: anonymous → closed with 4401`, async () => {
      const outcome = await tryWebSocket(concretePath(route.path), { origin: origin() });
      expect(outcome).toMatchObject({ kind: "closed", code: 4401 });
    });

    it(`${route.path}: signed in but from another origin → closed with 4408`, async () => {
      const { client } = await signedIn("ADMIN");
      const outcome = await tryWebSocket(concretePath(route.path), {
        origin: "http://evil.example",
        cookie: client.cookieHeader(),
      });
      expect(outcome).toMatchObject({ kind: "closed", code: 4408 });
    });

    it(`${route.path}: signed in with a session cookie but no Origin → refused`, async () => {
      const { client } = await signedIn("ADMIN");
      const outcome = await tryWebSocket(concretePath(route.path), { cookie: client.cookieHeader() });
      expect(outcome).toMatchObject({ kind: "closed", code: 4408 });
    });

    const allowed = route.access === "any" ? ROLES : route.access;
    for (const role of ROLES.filter((r) => !allowed.includes(r))) {
      it(`${route.path}: ${role} → closed with 4403`, async () => {
        const { client } = await signedIn(role);
        const outcome = await tryWebSocket(concretePath(route.path), {
          origin: origin(),
          cookie: client.cookieHeader(),
        });
        expect(outcome).toMatchObject({ kind: "closed", code: 4403 });
      });
    }

    if (route.prepare) {
      // ticket-guarded paths (consoles): sign-in and Origin pass, then a missing ticket is refused on its own
      it(`${route.path}: an allowed signed-in user without a ticket → closed with 4461`, async () => {
        const { client } = await signedIn(allowed[0]!);
        const outcome = await tryWebSocket(concretePath(route.path), {
          origin: origin(),
          cookie: client.cookieHeader(),
        });
        expect(outcome).toMatchObject({ kind: "closed", code: 4461 });
      });
    } else {
      it(`${route.path}: an allowed signed-in user gets through`, async () => {
        const { client } = await signedIn(allowed[0]!);
        const outcome = await tryWebSocket(route.path, { origin: origin(), cookie: client.cookieHeader() });
        expect(outcome.kind).toBe("open");
      });
    }
  }

  it("a user who must change their password is refused on every WebSocket path (4470)", async () => {
    const { user, client } = await signedIn("ADMIN");
    await testDb().user.update({ where: { id: user.id }, data: { mustChangePassword: true } });
    for (const route of WS_ROUTES) {
      const outcome = await tryWebSocket(concretePath(route.path), { origin: origin(), cookie: client.cookieHeader() });
      expect(outcome, route.path).toMatchObject({ kind: "closed", code: 4470 });
    }
  });

  it("an unknown /ws path is refused with HTTP 404", async () => {
    const { client } = await signedIn("ADMIN");
    expect(await tryWebSocket("/ws/nope", { origin: origin(), cookie: client.cookieHeader() })).toEqual({
      kind: "http",
      status: 404,
    });
    expect(await tryWebSocket("/api/health", { origin: origin() })).toEqual({ kind: "http", status: 404 });
  });
});
