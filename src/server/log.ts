// The one logger (pino): JSON lines with level, time, msg and the fields of what the line was written for —
// reqId and actorId inside an API request (http/route.ts) or a WebSocket upgrade (console/upgrade.ts), jobId and
// kind inside a job run (jobs/jobs.ts) — without passing them down: each of those runs its work in a log context
// (AsyncLocalStorage), and logger() returns the context's child logger. server.ts calls startLogging() before
// anything else logs: lines go to stdout and to LOG_DIR/portal.log (0600), LOG_LEVEL filters them, and console.*
// (Next's own output) is routed into the logger too. Fields named like secrets are redacted; the first admin's
// generated password never reaches a logger (users/ensure-first-admin.ts writes it to the terminal only).
import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import { join, resolve } from "node:path";
import { format } from "node:util";
import pino, { type DestinationStream, type Logger } from "pino";
import type { TEnv } from "@/env";

export type { Logger };
export type LogLevel = TEnv["LOG_LEVEL"];

/** Field names whose values never reach a log line, at the top level or one object down (err.token, body.password). */
const SECRET_FIELDS = [
  "password",
  "newPassword",
  "currentPassword",
  "secret",
  "token",
  "ticket",
  "authorization",
  "cookie",
  "displaySecret",
  "spiceSecret",
  "privateKey",
];
export const REDACT_PATHS = SECRET_FIELDS.flatMap((f) => [f, `*.${f}`, `*.headers.${f}`]);

/** A pino logger writing JSON lines (level as a word, ISO time) to `stream`, secrets redacted. */
export function createLogger(level: LogLevel, stream: DestinationStream): Logger {
  return pino(
    {
      level,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT_PATHS, censor: "[redacted]" },
    },
    stream,
  );
}

type LogState = { root: Logger; context: AsyncLocalStorage<{ logger: Logger }> };
// on globalThis: server.ts (tsx) and Next's module graph load this file separately and must share one logger
const globalForLog = globalThis as unknown as { __labLog?: LogState };

function state(): LogState {
  if (!globalForLog.__labLog) {
    // a script or test that never called startLogging(): stdout only
    const level = process.env.LOG_LEVEL as LogLevel | undefined;
    const root = createLogger(level && level in pino.levels.values ? level : "info", pino.destination({ dest: 1 }));
    globalForLog.__labLog = { root, context: new AsyncLocalStorage() };
  }
  return globalForLog.__labLog;
}

/**
 * The process's logger: stdout and LOG_DIR/portal.log (created 0600; the folder 0700 under server.ts's umask),
 * written synchronously so the last lines before an exit are not lost. console.* goes through it from now on.
 */
export function startLogging(config: Pick<TEnv, "LOG_LEVEL" | "LOG_DIR">): Logger {
  const file = pino.destination({
    dest: join(resolve(config.LOG_DIR), "portal.log"),
    mkdir: true,
    append: true,
    sync: true,
    mode: 0o600,
  });
  const stdout = pino.destination({ dest: 1, sync: true });
  const root = createLogger(
    config.LOG_LEVEL,
    pino.multistream([
      { level: "trace", stream: stdout },
      { level: "trace", stream: file },
    ]),
  );
  globalForLog.__labLog = { root, context: state().context };
  routeConsole();
  return root;
}

/** The logger for the code running now: the request's, upgrade's or job's (with its ids), else the process's. */
export function logger(): Logger {
  const s = state();
  return s.context.getStore()?.logger ?? s.root;
}

/** Runs `fn` in a log context: every line logged by it and what it calls carries `fields`. */
export function withLogFields<T>(fields: Record<string, unknown>, fn: () => T): T {
  return state().context.run({ logger: logger().child(fields) }, fn);
}

/** Adds fields to the current log context from here on (the actor, once a request is authenticated). */
export function addLogFields(fields: Record<string, unknown>): void {
  const store = state().context.getStore();
  if (store) store.logger = store.logger.child(fields);
}

/** An incoming X-Request-Id is kept when it is a short token of safe characters; otherwise a new one is made. */
export function requestId(incoming: string | null | undefined): string {
  return incoming && /^[\w.:-]{1,64}$/.test(incoming) ? incoming : randomUUID();
}

type ConsoleMethods = Pick<Console, "debug" | "info" | "log" | "warn" | "error">;
const CONSOLE_LEVELS = { debug: "debug", info: "info", log: "info", warn: "warn", error: "error" } as const;

/** console.debug/info/log/warn/error write through the logger (an Error argument becomes `err`). */
export function routeConsole(target: ConsoleMethods = console, to: () => Logger = logger): void {
  type Level = (typeof CONSOLE_LEVELS)[keyof ConsoleMethods];
  for (const [method, level] of Object.entries(CONSOLE_LEVELS) as [keyof ConsoleMethods, Level][]) {
    target[method] = (...args: unknown[]) => {
      const log = to();
      if (!log.isLevelEnabled(level)) return;
      const err = args.find((a) => a instanceof Error);
      const rest = err ? args.filter((a) => a !== err) : args;
      const msg = rest.length ? format(...rest) : (err as Error | undefined)?.message;
      if (!err && !msg?.trim()) return; // Next's blank spacer lines
      if (err) log[level]({ err }, msg);
      else log[level](msg);
    };
  }
}
