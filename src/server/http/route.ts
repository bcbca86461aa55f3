// withAuth(handler, spec): the one wrapper every API route goes through. It resolves who is asking (session
// cookie or Bearer token), checks role and token scope, parses params, query and body with zod, and maps every
// failure to the error table. Handlers only hold their logic.
import { randomUUID } from "node:crypto";
import type { z } from "zod";
import { env } from "@/env";
import { type Actor, actorFromHeaders } from "@/server/auth/actor";
import { addLogFields, logger, requestId, withLogFields } from "@/server/log";
import { observeRequest } from "@/server/metrics/record";
import { ProviderError } from "@/server/providers/types";
import { AppError, fromProviderError } from "./app-error";
import { clientIp } from "./client-ip";
import { errorResponse, json } from "./responses";
import { type RouteSpec, requiredScope } from "./route-spec";
import { assertSameOrigin } from "./same-origin";

type Infer<T> = T extends z.ZodType ? z.output<T> : undefined;

export type RouteContext<S extends RouteSpec, A> = {
  req: Request;
  actor: A;
  ip: string | null;
  /** Who is asking and from where, the first argument of the use case (`Ctx`; the actor is null on public routes). */
  ctx: { actor: A; ip: string | null };
  params: Infer<S["params"]>;
  query: Infer<S["query"]>;
  body: Infer<S["body"]>;
  /** The raw body text for specs with rawBody (already size-limited). */
  rawBody: string;
};

type ActorFor<S extends RouteSpec> = S["access"] extends "public" ? Actor | null : Actor;
type Handler<S extends RouteSpec> = (ctx: RouteContext<S, ActorFor<S>>) => Promise<unknown> | unknown;
type NextContext = { params: Promise<Record<string, string | string[]>> };

export function zodFields(error: z.ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.join(".") : "_";
    fields[key] ??= issue.message;
  }
  return fields;
}

function parseWith<T extends z.ZodType>(schema: T, value: unknown, where: string): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const fields = zodFields(result.error);
  const list = Object.entries(fields)
    .map(([k, m]) => `${k}: ${m}`)
    .join("; ");
  throw new AppError("VALIDATION_FAILED", `Some ${where} fields are not valid — ${list}`, { fields });
}

export async function readBodyText(req: Request, limitBytes: number): Promise<string> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  const tooLarge = () =>
    new AppError("PAYLOAD_TOO_LARGE", `The request body is larger than the ${Math.round(limitBytes / 1024)} KB limit.`);
  if (declared > limitBytes) throw tooLarge();
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limitBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function queryObject(url: URL): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of url.searchParams) out[k] = v;
  return out;
}

/** What a user who must choose their own password may still do (sign-out is next-auth's own endpoint). */
export const PASSWORD_CHANGE_ALLOWED: ReadonlySet<string> = new Set(["GET /api/me", "POST /api/me/password"]);

function authorize(spec: RouteSpec, actor: Actor | null): void {
  if (spec.access === "public") return;
  if (!actor) throw new AppError("UNAUTHENTICATED");
  if (actor.mustChangePassword && !PASSWORD_CHANGE_ALLOWED.has(`${spec.method} ${spec.path}`))
    throw new AppError("PASSWORD_CHANGE_REQUIRED");
  if (spec.access !== "any" && !spec.access.includes(actor.role)) throw new AppError("FORBIDDEN");
  const scope = requiredScope(spec);
  if (!actor.scopes.includes(scope)) throw new AppError("FORBIDDEN", `This API token lacks the "${scope}" scope.`);
}

export function toErrorResponse(error: unknown, where: string): Response {
  if (error instanceof AppError) return errorResponse(error);
  if (error instanceof ProviderError) return errorResponse(fromProviderError(error));
  const prismaCode = (error as { code?: unknown })?.code;
  if (prismaCode === "P2025") return errorResponse(new AppError("NOT_FOUND"));
  if (prismaCode === "P2002") return errorResponse(new AppError("CONFLICT"));
  const id = randomUUID();
  logger().error({ err: error, errorId: id, where }, `[api] ${where} failed (error id ${id})`);
  return errorResponse(
    new AppError("INTERNAL", `Something went wrong on our side (error id ${id}). It has been logged.`),
  );
}

export function withAuth<const S extends RouteSpec>(handler: Handler<S>, spec: S) {
  const handle = async (req: Request, context?: NextContext): Promise<Response> => {
    try {
      const ip = clientIp(req.headers);
      const actor = await actorFromHeaders(req.headers, ip, { method: req.method, path: new URL(req.url).pathname });
      if (actor) addLogFields({ actorId: actor.id });
      // a session cookie is sent by the browser on its own, so a state-changing call must come from our own pages
      if (actor?.via === "session") assertSameOrigin(req);
      authorize(spec, actor);

      const rawParams = (await context?.params) ?? {};
      const params = spec.params ? parseWith(spec.params, rawParams, "path") : undefined;
      const query = spec.query ? parseWith(spec.query, queryObject(new URL(req.url)), "query") : undefined;

      let body: unknown;
      let rawBody = "";
      if (spec.body || (spec.rawBody && !spec.streamBody)) {
        rawBody = await readBodyText(req, env().API_MAX_BODY_KB * 1024);
        if (spec.body) {
          const type = req.headers.get("content-type") ?? "";
          if (rawBody.trim() && !/^application\/([\w.+-]+\+)?json\b/i.test(type)) {
            throw new AppError("UNSUPPORTED_MEDIA_TYPE", "Send the body as JSON with Content-Type: application/json.");
          }
          let parsed: unknown;
          try {
            parsed = rawBody.trim() ? JSON.parse(rawBody) : {};
          } catch (error) {
            throw new AppError("INVALID_JSON", `The request body is not valid JSON: ${(error as Error).message}`);
          }
          body = parseWith(spec.body, parsed, "body");
        }
      }

      const result = await handler({
        req,
        actor: actor as ActorFor<S>,
        ip,
        ctx: { actor: actor as ActorFor<S>, ip },
        params,
        query,
        body,
        rawBody,
      } as RouteContext<S, ActorFor<S>>);
      if (result instanceof Response) return result;
      if (result === undefined) return new Response(null, { status: 204 });
      return json(result, spec.status ?? 200);
    } catch (error) {
      return toErrorResponse(error, `${spec.method} ${spec.path}`);
    }
  };
  // every line logged while the request runs (a use case deep down included) carries its reqId and actorId
  return async function routeHandler(req: Request, context?: NextContext): Promise<Response> {
    const reqId = requestId(req.headers.get("x-request-id"));
    const started = performance.now();
    return withLogFields({ reqId }, async () => {
      const res = await handle(req, context);
      const ms = Math.round(performance.now() - started);
      logger().info(
        { method: req.method, route: spec.path, status: res.status, ms },
        `${req.method} ${spec.path} ${res.status}`,
      );
      observeRequest(spec, res.status, started);
      return withHeader(res, "x-request-id", reqId);
    });
  };
}

/** Sets a header on a response, copying it when its headers are immutable (Response.redirect). */
function withHeader(res: Response, name: string, value: string): Response {
  try {
    res.headers.set(name, value);
    return res;
  } catch {
    const copy = new Response(res.body, res);
    copy.headers.set(name, value);
    return copy;
  }
}
