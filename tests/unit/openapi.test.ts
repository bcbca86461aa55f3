import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ALL_ROUTES } from "../../src/server/http/all-routes";
import { buildOpenApiDocument, type OpenApiOperation, pathParamsOf } from "../../src/server/http/openapi";
import { defineRoute, requiredScope } from "../../src/server/http/route-spec";

const doc = buildOpenApiDocument();
const opOf = (method: string, path: string) =>
  doc.paths[path]?.[method.toLowerCase() as "get"] as OpenApiOperation | undefined;
const allOps = Object.values(doc.paths).flatMap((ops) => Object.values(ops)) as OpenApiOperation[];

describe("OpenAPI document", () => {
  it("is OpenAPI 3.1.x with the two security schemes and one Error schema", () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.components.securitySchemes.sessionCookie).toMatchObject({
      type: "apiKey",
      in: "cookie",
      name: "next-auth.session-token",
    });
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
    expect(doc.components.schemas.Error).toMatchObject({ required: ["error"] });
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
  });

  it("has every contract in ALL_ROUTES with its method, and nothing else", () => {
    for (const spec of ALL_ROUTES) {
      const op = opOf(spec.method, spec.path);
      expect(op, `${spec.method} ${spec.path}`).toBeDefined();
      expect(op!.summary).toBe(spec.summary);
      expect(op!.tags).toEqual([spec.tag]);
    }
    expect(allOps.length).toBe(ALL_ROUTES.length);
  });

  it("declares a required path parameter for every {param}", () => {
    for (const spec of ALL_ROUTES) {
      const op = opOf(spec.method, spec.path)!;
      for (const name of pathParamsOf(spec.path)) {
        expect(
          op.parameters?.find((p) => p.in === "path" && p.name === name),
          `${spec.path} {${name}}`,
        ).toMatchObject({ required: true });
      }
      for (const p of op.parameters?.filter((x) => x.in === "path") ?? []) expect(spec.path).toContain(`{${p.name}}`);
    }
  });

  it("gives every non-public operation security, 401, 403, a scope and roles; public ones none", () => {
    for (const spec of ALL_ROUTES) {
      const op = opOf(spec.method, spec.path)!;
      if (spec.access === "public") {
        expect(op.security).toBeUndefined();
        expect(op.responses["401"]).toBeUndefined();
        continue;
      }
      expect(op.security, `${spec.method} ${spec.path}`).toEqual([{ sessionCookie: [] }, { bearerAuth: [] }]);
      expect(op.responses["401"]).toBeDefined();
      expect(op.responses["403"]).toBeDefined();
      expect(op["x-required-scope"]).toBe(requiredScope(spec));
      expect(op["x-roles"]).toEqual(spec.access === "any" ? "any" : [...spec.access]);
    }
  });

  it("has unique operationIds", () => {
    const ids = allOps.map((op) => op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("points every error response at the shared Error schema", () => {
    for (const op of allOps) {
      for (const [status, response] of Object.entries(op.responses)) {
        if (Number(status) >= 400)
          expect(response.content?.["application/json"]?.schema).toEqual({ $ref: "#/components/schemas/Error" });
      }
    }
  });

  it("derives parameters, body and error answers from a contract", () => {
    const spec = defineRoute({
      method: "PATCH",
      path: "/api/things/{id}/parts/{partId}",
      summary: "Change a part",
      tag: "Things",
      access: ["ADMIN", "TEACHER"],
      params: z.object({ id: z.string().min(1) }),
      query: z.object({ dryRun: z.coerce.boolean().optional(), mode: z.enum(["a", "b"]) }),
      body: z.object({ name: z.string().max(40).describe("The new name"), count: z.number().int().default(1) }),
      response: z.object({ ok: z.boolean() }),
    });
    const csv = defineRoute({
      method: "POST",
      path: "/api/things/import",
      summary: "Import",
      tag: "Things",
      access: "any",
      rawBody: { contentType: "text/csv", description: "rows" },
      status: 202,
    });
    const same = defineRoute({
      method: "GET",
      path: "/api/things.import",
      summary: "Same id",
      tag: "Things",
      access: "public",
      produces: "text/csv",
    });
    const d = buildOpenApiDocument([spec, csv, same]);
    const op = d.paths["/api/things/{id}/parts/{partId}"]!.patch!;
    expect(op.parameters).toEqual([
      expect.objectContaining({ name: "id", in: "path", required: true }),
      expect.objectContaining({ name: "partId", in: "path", required: true }),
      expect.objectContaining({ name: "dryRun", in: "query", required: false }),
      expect.objectContaining({
        name: "mode",
        in: "query",
        required: true,
        schema: expect.objectContaining({ enum: ["a", "b"] }),
      }),
    ]);
    const body = op.requestBody!.content["application/json"]!.schema as {
      required?: string[];
      properties: Record<string, { description?: string }>;
    };
    expect(body.required).toEqual(["name"]);
    expect(body.properties.name!.description).toBe("The new name");
    expect(Object.keys(op.responses).sort()).toEqual(["200", "400", "401", "403", "404", "413", "415", "422", "500"]);
    expect(op["x-required-scope"]).toBe("write");
    const imp = d.paths["/api/things/import"]!.post!;
    expect(imp.requestBody!.content["text/csv"]).toBeDefined();
    expect(imp.responses["202"]).toBeDefined();
    expect(imp.responses["413"]).toBeDefined();
    expect(d.paths["/api/things.import"]!.get!.responses["200"]!.content!["text/csv"]).toBeDefined();
    expect(new Set([op.operationId, imp.operationId, d.paths["/api/things.import"]!.get!.operationId]).size).toBe(3);
  });
});
