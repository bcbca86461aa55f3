// LOG_LEVEL for the whole process: server.ts calls applyLogLevel() before anything else logs, and the console
// methods below the level become no-ops (debug < info/log < warn < error). Everything in the process logs
// through console (our code and Next's), so this one filter covers it.
export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

type Target = Pick<Console, "debug" | "info" | "log" | "warn" | "error">;

/** Silences the console methods below `level` on `target` (the global console by default). */
export function applyLogLevel(level: LogLevel, target: Target = console): void {
  const rank = LOG_LEVELS.indexOf(level);
  const quiet = () => {};
  if (rank > 0) target.debug = quiet;
  if (rank > 1) {
    target.info = quiet;
    target.log = quiet;
  }
  if (rank > 2) target.warn = quiet;
}
