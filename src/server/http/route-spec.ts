// A route's contract: method, path, who may call it and the shapes of its input. The same object guards the
// handler (withAuth), documents it (openapi.ts) and tells the authorization matrix test what to expect.
import type { z } from "zod";
import type { Role } from "@/generated/sqlite/enums";
import type { TokenScope } from "@/server/auth/api-tokens";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export type RouteSpec = {
  method: HttpMethod;
  /** OpenAPI-style path: /api/admin/users/{id} */
  path: string;
  summary: string;
  tag: string;
  /** "public": no sign-in. Otherwise the roles allowed ("any" = every signed-in user). */
  access: "public" | "any" | readonly Role[];
  /** API-token scope needed; by default read for GET, write otherwise, admin for ADMIN-only routes. */
  scope?: TokenScope;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  /** A request body that is not JSON (for example CSV), documented by its media type. */
  rawBody?: { contentType: string; description: string; format?: "binary" };
  /** The handler reads req.body as a stream itself (large uploads); withAuth does not buffer it. */
  streamBody?: boolean;
  response?: z.ZodType;
  /** Status of a successful answer (default 200). */
  status?: number;
  /** Answers something other than JSON (for example text/csv). */
  produces?: string;
};

export function defineRoute<const S extends RouteSpec>(spec: S): S {
  return spec;
}

export function requiredScope(spec: RouteSpec): TokenScope {
  if (spec.scope) return spec.scope;
  if (Array.isArray(spec.access) && spec.access.length === 1 && spec.access[0] === "ADMIN") return "admin";
  return spec.method === "GET" ? "read" : "write";
}
