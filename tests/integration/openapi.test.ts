import { describe, expect, inject, it } from "vitest";
import { PortalClient } from "../support/client";
import { signedIn } from "../support/users";

describe("GET /api/openapi.json", () => {
  it("is public and answers the OpenAPI 3.1 document of the portal's routes", async () => {
    const res = await new PortalClient(inject("portalUrl")).fetch("/api/openapi.json");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    const doc = JSON.parse(await res.text()) as {
      openapi: string;
      paths: Record<string, Record<string, { operationId: string; security?: unknown }>>;
    };
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.paths["/api/health"]?.get).toBeDefined();
    expect(doc.paths["/api/health"]!.get!.security).toBeUndefined();
    expect(doc.paths["/api/admin/audit"]?.get?.security).toEqual([{ sessionCookie: [] }, { bearerAuth: [] }]);
    expect(doc.paths["/api/admin/audit/export"]?.get).toBeDefined();
    expect(doc.paths["/api/openapi.json"]?.get).toBeDefined();
  });

  it("the readable docs page renders for a signed-in user and sends anonymous visitors to sign in", async () => {
    const { client } = await signedIn("TEACHER");
    const page = await client.fetch("/docs/api");
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("/api/openapi.json");
    expect(html).toContain("/api/admin/audit");
    const anon = await new PortalClient(inject("portalUrl")).fetch("/docs/api");
    expect([302, 303, 307, 308]).toContain(anon.status);
    expect(anon.headers.get("location")).toMatch(/\/login/);
  });
});
