// The OpenAPI 3.1 document, generated from the route contracts in ALL_ROUTES: paths, parameters and bodies come
// from the same zod schemas withAuth validates with, and the error answers follow from each contract's access
// and inputs, so the document cannot drift from what the handlers do.
import { z } from "zod";
import { ALL_ROUTES } from "./all-routes";
import { ERRORS, type ErrorCode } from "./app-error";
import { type RouteSpec, requiredScope } from "./route-spec";

export type JsonSchema = { [key: string]: unknown };

export type OpenApiParameter = {
  name: string;
  in: "path" | "query";
  required: boolean;
  description?: string;
  schema: JsonSchema;
};
export type OpenApiResponse = { description: string; content?: Record<string, { schema: JsonSchema }> };
export type OpenApiOperation = {
  operationId: string;
  summary: string;
  tags: string[];
  parameters?: OpenApiParameter[];
  requestBody?: { required: boolean; description?: string; content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, OpenApiResponse>;
  security?: Record<string, string[]>[];
  "x-required-scope"?: string;
  "x-roles": string[] | "public" | "any";
  "x-error-codes": ErrorCode[];
};
export type OpenApiDocument = {
  openapi: "3.1.0";
  info: { title: string; version: string; description: string };
  jsonSchemaDialect: string;
  servers: { url: string }[];
  tags: { name: string }[];
  paths: Record<string, Partial<Record<Lowercase<RouteSpec["method"]>, OpenApiOperation>>>;
  components: { schemas: Record<string, JsonSchema>; securitySchemes: Record<string, JsonSchema> };
};

export const SESSION_COOKIE = "next-auth.session-token";
const ERROR_REF = { $ref: "#/components/schemas/Error" };

/** JSON Schema of a zod schema, ready to embed: $schema dropped, $defs hoisted into `defs` under unique names. */
export function jsonSchemaOf(
  schema: z.ZodType,
  io: "input" | "output",
  defs: Record<string, JsonSchema>,
  prefix: string,
): JsonSchema {
  let raw: JsonSchema;
  try {
    raw = z.toJSONSchema(schema, { io, unrepresentable: "any", cycles: "ref", reused: "inline" }) as JsonSchema;
  } catch {
    return {};
  }
  const { $schema: _dialect, $defs, ...rest } = raw as JsonSchema & { $defs?: Record<string, JsonSchema> };
  if (!$defs || Object.keys($defs).length === 0) return rest;
  const rename = new Map(Object.keys($defs).map((name) => [name, `${prefix}_${name}`.replace(/[^\w.-]/g, "_")]));
  const rewrite = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rewrite);
    if (!value || typeof value !== "object") return value;
    const out: JsonSchema = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === "$ref" && typeof v === "string") {
        const m = v.match(/^#\/\$defs\/(.+)$/);
        out[k] =
          m && rename.has(m[1]!)
            ? `#/components/schemas/${rename.get(m[1]!)}`
            : v === "#"
              ? `#/components/schemas/${prefix}`
              : v;
      } else out[k] = rewrite(v);
    }
    return out;
  };
  for (const [name, def] of Object.entries($defs)) defs[rename.get(name)!] = rewrite(def) as JsonSchema;
  const body = rewrite(rest) as JsonSchema;
  // A self-reference ("#") points at the root schema: keep it as a component of its own.
  if (JSON.stringify(body).includes(`"#/components/schemas/${prefix}"`)) defs[prefix] = body;
  return body;
}

export function operationIdOf(spec: RouteSpec): string {
  const words = spec.path
    .replace(/^\/api\/?/, "")
    .split(/[/.\-_]/)
    .filter(Boolean)
    .map((w) => w.replace(/^\{(\w+)\}$/, "by-$1"))
    .flatMap((w) => w.split("-"));
  const camel = words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join("");
  return `${spec.method.toLowerCase()}${camel || "Root"}`;
}

export function pathParamsOf(path: string): string[] {
  return [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
}

function objectParameters(
  schema: z.ZodType | undefined,
  where: "path" | "query",
  defs: Record<string, JsonSchema>,
  prefix: string,
): OpenApiParameter[] {
  if (!schema) return [];
  const json = jsonSchemaOf(schema, "input", defs, prefix) as {
    properties?: Record<string, JsonSchema>;
    required?: string[];
  };
  const required = new Set(json.required ?? []);
  return Object.entries(json.properties ?? {}).map(([name, prop]) => {
    const { description, ...rest } = prop as JsonSchema & { description?: string };
    return {
      name,
      in: where,
      required: where === "path" ? true : required.has(name),
      ...(typeof description === "string" ? { description } : {}),
      schema: rest,
    };
  });
}

/** Which error codes a contract can answer with, from its access and inputs (besides INTERNAL). */
export function errorCodesOf(spec: RouteSpec): ErrorCode[] {
  const codes: ErrorCode[] = [];
  if (spec.body) codes.push("INVALID_JSON");
  if (spec.access !== "public") codes.push("UNAUTHENTICATED", "FORBIDDEN");
  if (pathParamsOf(spec.path).length || spec.params) codes.push("NOT_FOUND");
  if (spec.body || spec.rawBody) codes.push("PAYLOAD_TOO_LARGE");
  if (spec.body) codes.push("UNSUPPORTED_MEDIA_TYPE");
  if (spec.params || spec.query || spec.body || spec.rawBody) codes.push("VALIDATION_FAILED");
  codes.push("INTERNAL");
  return codes;
}

function errorResponses(codes: ErrorCode[]): Record<string, OpenApiResponse> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) {
    const status = ERRORS[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const out: Record<string, OpenApiResponse> = {};
  for (const [status, list] of [...byStatus].sort((a, b) => a[0] - b[0])) {
    out[String(status)] = {
      description: list.map((code) => `${code}: ${ERRORS[code].message}`).join(" / "),
      content: { "application/json": { schema: ERROR_REF } },
    };
  }
  return out;
}

function successResponse(spec: RouteSpec, defs: Record<string, JsonSchema>, prefix: string): [string, OpenApiResponse] {
  const status = spec.status ?? 200;
  if (spec.response)
    return [
      String(status),
      {
        description: "Success",
        content: { "application/json": { schema: jsonSchemaOf(spec.response, "output", defs, `${prefix}_response`) } },
      },
    ];
  if (spec.produces)
    return [String(status), { description: "Success", content: { [spec.produces]: { schema: { type: "string" } } } }];
  if (status === 204) return ["204", { description: "Done; no content" }];
  return [String(status), { description: "Success", content: { "application/json": { schema: {} } } }];
}

export function operationOf(
  spec: RouteSpec,
  defs: Record<string, JsonSchema>,
  operationId = operationIdOf(spec),
): OpenApiOperation {
  const parameters = objectParameters(spec.params, "path", defs, `${operationId}_params`);
  for (const name of pathParamsOf(spec.path)) {
    if (!parameters.some((p) => p.in === "path" && p.name === name))
      parameters.push({ name, in: "path", required: true, schema: { type: "string" } });
  }
  parameters.push(...objectParameters(spec.query, "query", defs, `${operationId}_query`));

  const op: OpenApiOperation = {
    operationId,
    summary: spec.summary,
    tags: [spec.tag],
    ...(parameters.length ? { parameters } : {}),
    responses: {},
    "x-roles": spec.access === "public" || spec.access === "any" ? spec.access : [...spec.access],
    "x-error-codes": errorCodesOf(spec),
  };
  if (spec.body) {
    op.requestBody = {
      required: true,
      content: { "application/json": { schema: jsonSchemaOf(spec.body, "input", defs, `${operationId}_body`) } },
    };
  } else if (spec.rawBody) {
    op.requestBody = {
      required: true,
      description: spec.rawBody.description,
      content: { [spec.rawBody.contentType]: { schema: { type: "string" } } },
    };
  }
  const [status, success] = successResponse(spec, defs, operationId);
  op.responses = { [status]: success, ...errorResponses(op["x-error-codes"]) };
  if (spec.access !== "public") {
    op.security = [{ sessionCookie: [] }, { bearerAuth: [] }];
    op["x-required-scope"] = requiredScope(spec);
  }
  return op;
}

export function buildOpenApiDocument(
  routes: readonly RouteSpec[] = ALL_ROUTES,
  version = process.env.npm_package_version ?? "0.1.0",
): OpenApiDocument {
  const defs: Record<string, JsonSchema> = {};
  const paths: OpenApiDocument["paths"] = {};
  const usedIds = new Set<string>();
  for (const spec of routes) {
    const method = spec.method.toLowerCase() as Lowercase<RouteSpec["method"]>;
    let operationId = operationIdOf(spec);
    for (let n = 2; usedIds.has(operationId); n++) operationId = `${operationIdOf(spec)}${n}`;
    usedIds.add(operationId);
    paths[spec.path] ??= {};
    paths[spec.path]![method] = operationOf(spec, defs, operationId);
  }
  const tags = [...new Set(routes.map((r) => r.tag))].sort().map((name) => ({ name }));
  return {
    openapi: "3.1.0",
    info: {
      title: "Lab Portal API",
      version,
      description:
        "Every endpoint takes either the browser session cookie or an API token (Authorization: Bearer lpt_…). " +
        "A token needs the scope in x-required-scope; the caller's role must be one of x-roles. Errors always have the shape { error: { code, message, fields? } }.",
    },
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    servers: [{ url: "/" }],
    tags,
    paths,
    components: {
      schemas: {
        Error: {
          type: "object",
          required: ["error"],
          properties: {
            error: {
              type: "object",
              required: ["code", "message"],
              properties: {
                code: { type: "string", enum: Object.keys(ERRORS) },
                message: { type: "string", description: "A sentence a person can read." },
                fields: {
                  type: "object",
                  additionalProperties: { type: "string" },
                  description: "Per-field messages for VALIDATION_FAILED, keyed by field path.",
                },
              },
            },
          },
        },
        ...defs,
      },
      securitySchemes: {
        sessionCookie: {
          type: "apiKey",
          in: "cookie",
          name: SESSION_COOKIE,
          description: "The session cookie set by signing in on /login.",
        },
        bearerAuth: {
          type: "http",
          scheme: "bearer",
          description: "A personal API token (lpt_…) created on the profile page.",
        },
      },
    },
  };
}

let cached: OpenApiDocument | undefined;
/** The document for the portal's own routes, built once per process. */
export function openApiDocument(): OpenApiDocument {
  cached ??= buildOpenApiDocument();
  return cached;
}
