// Lab Portal's one process: HTTP goes to Next, WebSocket upgrades to src/server/console/upgrade.ts.
// Run with tsx (Next does not compile this file): `npm run dev` or `npm start`.
import { existsSync } from "node:fs";
import { createServer, type IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import next from "next";
import { EnvError, parseEnv } from "./src/env";
import { hstsHeader } from "./src/server/http/hsts";
import { protectRuntimeFiles } from "./src/server/lifecycle/file-modes";
import { startLogging } from "./src/server/log";

// .env fills in what the environment does not already set (the environment wins).
if (existsSync(".env")) process.loadEnvFile(".env");

let config: ReturnType<typeof parseEnv>;
try {
  config = parseEnv();
} catch (error) {
  if (error instanceof EnvError) {
    // before logging exists (LOG_DIR itself may be the bad value): the terminal only
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
// umask 077 before anything is written; data/ and logs/ left by earlier runs become 0700/0600
const tightened = protectRuntimeFiles(config);
// JSON lines to stdout and LOG_DIR/portal.log at LOG_LEVEL; console.* (Next's own output) goes through it too
const rootLog = startLogging(config);
if (tightened)
  rootLog.info(
    `✓ file modes: ${tightened} path(s) under ${config.DATA_DIR} and ${config.LOG_DIR} made private (0700 folders, 0600 files)`,
  );

const { closeAllSockets, routeUpgrade } = await import("./src/server/console/upgrade");
const { prepareServer, stopBackgroundWork } = await import("./src/server/lifecycle/startup");
const { flushAudit } = await import("./src/server/audit/record");
const { disconnectDb } = await import("./src/server/db/client");
const { CLIENT_IP_HEADER } = await import("./src/server/http/client-ip");
const { nativePumpStatus } = await import("./src/server/console/native-pump");
const { serveMetrics } = await import("./src/server/metrics/endpoint");

const dev = config.NODE_ENV !== "production";
const log = (line: string) => rootLog.info(line);
process.env.NEXTAUTH_URL ??= config.PUBLIC_URL ?? `http://localhost:${config.PORT}`;

/** The caller's address, from the socket (or X-Forwarded-For behind a trusted proxy); never from the client alone. */
function stampClientIp(req: IncomingMessage): void {
  let ip = req.socket.remoteAddress ?? "";
  if (config.TRUST_PROXY) {
    const forwarded = String(req.headers["x-forwarded-for"] ?? "")
      .split(",")[0]
      ?.trim();
    if (forwarded) ip = forwarded;
  }
  req.headers[CLIENT_IP_HEADER] = ip.replace(/^::ffff:/, "");
}

try {
  await prepareServer(log);
} catch (error) {
  rootLog.fatal({ err: error }, `✗ could not prepare the database: ${(error as Error).message}`);
  process.exit(1);
}

const app = next({ dev, hostname: config.HOST, port: config.PORT, dir: process.cwd() });
await app.prepare();
const handle = app.getRequestHandler();
const nextUpgrade = app.getUpgradeHandler();

const sockets = new Set<Socket>();
const hsts = hstsHeader(config.PUBLIC_URL);
// Headers (of a request or a WebSocket upgrade) must arrive within 5 s, checked every second: a slowloris
// client trickling header bytes is dropped instead of holding the socket for a minute.
const server = createServer({ headersTimeout: 5_000, connectionsCheckingInterval: 1_000 }, (req, res) => {
  stampClientIp(req);
  if (hsts) res.setHeader("Strict-Transport-Security", hsts);
  // Prometheus scrapes are answered here, before Next (src/server/metrics/endpoint.ts)
  if (serveMetrics(req, res)) return;
  void handle(req, res);
});
// Idle keep-alive connections stay open longer than a load balancer's idle timeout (60 s is common), so the
// server is never the side that closes a connection a client is about to reuse.
server.keepAliveTimeout = 65_000;
server.on("connection", (socket) => {
  sockets.add(socket);
  socket.on("close", () => sockets.delete(socket));
});
server.on("upgrade", (req, socket, head) => {
  stampClientIp(req);
  routeUpgrade(req, socket, head, { dev, nextUpgrade }).catch((error) => {
    rootLog.error({ err: error }, "[ws] upgrade router failed");
    socket.destroy();
  });
});

server.listen(config.PORT, config.HOST, () => {
  log(
    `✓ Lab Portal ${dev ? "(development)" : ""} listening on http://${config.HOST === "0.0.0.0" ? "localhost" : config.HOST}:${config.PORT}`,
  );
  log(`  console bridge: ${nativePumpStatus().reason}`);
});

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log(`${signal}: stopping — no new connections, closing sockets`);
  const force = setTimeout(() => {
    rootLog.error("shutdown took longer than 10 s; exiting anyway");
    process.exit(1);
  }, 10_000);
  force.unref();
  const background = stopBackgroundWork();
  server.close();
  closeAllSockets();
  server.closeIdleConnections();
  setTimeout(() => {
    for (const socket of sockets) socket.destroy();
  }, 3000).unref();
  await background;
  await flushAudit();
  await disconnectDb().catch(() => {});
  log("stopped");
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
