// Loads native/build/wspump.node (native/wspump.c): the display → browser half of the console bridge with
// splice(2), no copies through this process. Built by `npm install` (scripts/build-native.mjs). Where it is
// missing (not Linux, no C compiler) the bridge stays in JavaScript; `nativePumpStatus()` says which: server.ts
// logs it at start, the bench prints it, and the test suite fails on Linux without it.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export type NativePump = {
  start(displayFd: number, browserFd: number): number;
  stop(id: number): [atFrameBoundary: boolean, bytes: number];
  control(id: number, frame: Buffer): boolean;
  bytes(id: number): number;
};

type Loaded = { pump: NativePump | null; reason: string; handlers: Map<number, (reason: number) => void> };

/** Why a pump ended (native/wspump.c). */
export const PUMP_END = { displayClosed: 0, displayFailed: 1, browserFailed: 2 } as const;

// one per process: the .node file is loaded once, and both module graphs (server.ts, tests) share it
const globalForPump = globalThis as unknown as { __labWsPump?: Loaded };

function candidates(): string[] {
  const fromEnv = process.env.LAB_WSPUMP_PATH;
  const out = fromEnv ? [fromEnv] : [];
  out.push(join(process.cwd(), "native", "build", "wspump.node"));
  // the project root seen from this file (src/server/console), when the process runs elsewhere
  if (import.meta.url.startsWith("file:"))
    out.push(fileURLToPath(new URL("../../../native/build/wspump.node", import.meta.url)));
  return out;
}

function load(): Loaded {
  const handlers = new Map<number, (reason: number) => void>();
  if (process.env.LAB_NATIVE_PUMP === "0") return { pump: null, reason: "turned off (LAB_NATIVE_PUMP=0)", handlers };
  if (process.platform !== "linux") return { pump: null, reason: `not on Linux (${process.platform})`, handlers };
  const file = candidates().find((f) => existsSync(f));
  if (!file) return { pump: null, reason: "native/build/wspump.node is not built (npm install builds it)", handlers };
  try {
    const native = createRequire(import.meta.url)(file) as NativePump & {
      init(onEnd: (id: number, reason: number) => void): void;
    };
    native.init((id, reason) => {
      const handler = handlers.get(id);
      handlers.delete(id);
      handler?.(reason);
    });
    return { pump: native, reason: `native splice pump (${file})`, handlers };
  } catch (error) {
    return { pump: null, reason: `native/build/wspump.node failed to load: ${(error as Error).message}`, handlers };
  }
}

function loaded(): Loaded {
  globalForPump.__labWsPump ??= load();
  return globalForPump.__labWsPump;
}

export function nativePump(): {
  pump: NativePump;
  onEnd: (id: number, handler: (reason: number) => void) => void;
  forget: (id: number) => void;
} | null {
  const l = loaded();
  if (!l.pump) return null;
  return { pump: l.pump, onEnd: (id, handler) => l.handlers.set(id, handler), forget: (id) => l.handlers.delete(id) };
}

export function nativePumpStatus(): { native: boolean; reason: string } {
  const l = loaded();
  return { native: l.pump !== null, reason: l.reason };
}
