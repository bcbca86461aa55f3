// The one router for WebSocket upgrades. Each path it owns checks who is asking (session cookie or Bearer
// token), whether they may, and the Origin, itself. Refusals on owned paths complete the handshake and close at
// once with the code from the error table, so the page can tell the person why. Unknown paths are refused with
// a plain HTTP 404; Next's own dev sockets (/_next/…) are handed to Next in development only.
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocket, WebSocketServer } from "ws";
import type { Role } from "@/generated/sqlite/enums";
import { type Actor, actorFromHeaders } from "@/server/auth/actor";
import { AppError } from "@/server/http/app-error";
import { CLIENT_IP_HEADER } from "@/server/http/client-ip";
import { addLogFields, logger, requestId, withLogFields } from "@/server/log";
import { CONSOLE_PATH, handleConsole, prepareConsole } from "./console-socket";
import { handleEventsSocket } from "./events-socket";
import { originAllowed } from "./origin";

export type WsRoute = {
  /** Path pattern as documented, e.g. /ws/events */
  path: string;
  match: (pathname: string) => boolean;
  access: "any" | readonly Role[];
  /** Checks that must pass before the socket is accepted (a console ticket, …); throws AppErrors. */
  prepare?: (actor: Actor, req: IncomingMessage) => Promise<unknown>;
  // biome-ignore lint/suspicious/noExplicitAny: each route's handler takes what its own prepare returned
  handle: (ws: WebSocket, actor: Actor, req: IncomingMessage, prepared: any) => void;
};

export const WS_ROUTES: readonly WsRoute[] = [
  { path: "/ws/events", match: (p) => p === "/ws/events", access: "any", handle: handleEventsSocket },
  {
    path: "/ws/machines/{id}/console",
    match: (p) => CONSOLE_PATH.test(p),
    access: "any",
    prepare: prepareConsole,
    handle: handleConsole,
  },
];

const HEARTBEAT_MS = 25_000;

type UpgradeState = { wss: WebSocketServer; heartbeat: NodeJS.Timeout; closing: boolean };
const globalForWs = globalThis as unknown as { __labWs?: UpgradeState };

function state(): UpgradeState {
  if (!globalForWs.__labWs) {
    const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024, perMessageDeflate: false });
    const alive = new WeakMap<WebSocket, boolean>();
    wss.on("connection", (ws) => {
      alive.set(ws, true);
      // a malformed frame (bad opcode, reserved bits, unmasked, oversized, invalid UTF-8) is an 'error' on the
      // socket: without a listener it would be thrown out of the process
      ws.on("error", () => ws.terminate());
      ws.on("pong", () => alive.set(ws, true));
    });
    // the request id routeUpgrade gave this upgrade (a safe token) is sent back, as API responses do
    wss.on("headers", (headers, req) => {
      const id = req.headers["x-request-id"];
      if (typeof id === "string") headers.push(`X-Request-Id: ${id}`);
    });
    const heartbeat = setInterval(() => {
      for (const ws of wss.clients) {
        if (!alive.get(ws)) {
          ws.terminate();
          continue;
        }
        alive.set(ws, false);
        ws.ping();
      }
    }, HEARTBEAT_MS);
    heartbeat.unref();
    globalForWs.__labWs = { wss, heartbeat, closing: false };
  }
  return globalForWs.__labWs;
}

function headersOf(req: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(", ") : v);
  }
  return headers;
}

function refuseHttp(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

function acceptAndClose(req: IncomingMessage, socket: Duplex, head: Buffer, error: AppError): void {
  state().wss.handleUpgrade(req, socket, head, (ws) => {
    ws.on("error", () => ws.terminate());
    ws.close(error.wsCloseCode, error.message.slice(0, 120));
    // a client that never answers the close frame is dropped
    setTimeout(() => ws.terminate(), 5_000).unref();
  });
}

/** An upgrade not handed to its handler within this time (a slow check, a stalled client) is dropped. */
const UPGRADE_TIMEOUT_MS = 10_000;

async function authorizeUpgrade(route: WsRoute, req: IncomingMessage, pathname: string): Promise<Actor> {
  const headers = headersOf(req);
  const bearer = /^Bearer\s/i.test(headers.get("authorization") ?? "");
  // Browsers always send Origin on WebSocket handshakes; only a Bearer-token API client may omit it.
  if (req.headers.origin ? !originAllowed(req.headers) : !bearer) throw new AppError("ORIGIN_MISMATCH");
  // a token's use is audited with the path only (the query holds the console ticket)
  const actor = await actorFromHeaders(headers, headers.get(CLIENT_IP_HEADER), { method: "GET", path: pathname });
  if (!actor) throw new AppError("UNAUTHENTICATED");
  if (route.access !== "any" && !route.access.includes(actor.role)) throw new AppError("FORBIDDEN");
  if (actor.mustChangePassword) throw new AppError("PASSWORD_CHANGE_REQUIRED");
  return actor;
}

export type UpgradeOptions = {
  dev: boolean;
  nextUpgrade?: (req: IncomingMessage, socket: Duplex, head: Buffer) => unknown;
};

export async function routeUpgrade(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  options: UpgradeOptions,
): Promise<void> {
  socket.on("error", () => socket.destroy());
  const timer = setTimeout(() => socket.destroy(), UPGRADE_TIMEOUT_MS);
  timer.unref();
  // every line logged while the upgrade is checked and handed over carries its reqId (and actorId once known)
  const incoming = req.headers["x-request-id"];
  const reqId = requestId(typeof incoming === "string" ? incoming : null);
  req.headers["x-request-id"] = reqId;
  try {
    await withLogFields({ reqId }, () => routeOwnedUpgrade(req, socket, head, options));
  } finally {
    clearTimeout(timer);
  }
}

async function routeOwnedUpgrade(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  options: UpgradeOptions,
): Promise<void> {
  const pathname = new URL(req.url ?? "/", "http://placeholder").pathname;

  if (pathname.startsWith("/_next/") && options.dev && options.nextUpgrade) {
    await options.nextUpgrade(req, socket, head);
    return;
  }
  const route = WS_ROUTES.find((r) => r.match(pathname));
  if (!route) return refuseHttp(socket, 404, "Not Found");
  if (state().closing) return acceptAndClose(req, socket, head, new AppError("SHUTTING_DOWN"));

  let actor: Actor;
  let prepared: unknown;
  try {
    actor = await authorizeUpgrade(route, req, pathname);
    addLogFields({ actorId: actor.id, machineId: CONSOLE_PATH.exec(pathname)?.[1] });
    prepared = route.prepare ? await route.prepare(actor, req) : undefined;
  } catch (error) {
    const appError = error instanceof AppError ? error : new AppError("INTERNAL");
    if (!(error instanceof AppError)) logger().error({ err: error, route: route.path }, "[ws] upgrade failed");
    else logger().info({ route: route.path, code: error.code }, `[ws] ${route.path} refused: ${error.code}`);
    return acceptAndClose(req, socket, head, appError);
  }
  state().wss.handleUpgrade(req, socket, head, (ws) => {
    state().wss.emit("connection", ws, req);
    route.handle(ws, actor, req, prepared);
  });
}

/** Shutdown: refuse new upgrades and close every open socket with "going away". */
export function closeAllSockets(): void {
  const s = state();
  s.closing = true;
  clearInterval(s.heartbeat);
  for (const ws of s.wss.clients) ws.close(1001, "The portal is restarting.");
  setTimeout(() => {
    for (const ws of s.wss.clients) ws.terminate();
  }, 1000).unref();
}

export function openSocketCount(): number {
  return state().wss.clients.size;
}

export { WebSocket };
