// Shared terminals: one backend (a docker exec TTY or an SSH shell) per machine and kind, held by this portal
// process and shown to every console socket on it, so a teacher who watches or takes over sees the student's own
// shell, not a new one.
//
// - Output is fanned out to every viewer (batched ≤ 4 ms per viewer) and kept in a bounded scrollback
//   (SCROLLBACK_BYTES) that is replayed to a viewer who joins later ({"type":"replay"}, then the bytes), so a
//   watcher sees the current screen.
// - Input (keystrokes, resize) is taken only from interactive viewers: the owner and a teacher or admin who took
//   over (a ticket without viewOnly). A view-only viewer's bytes and resizes are dropped. The last resize from an
//   interactive viewer wins; view-only viewers are told the size ({"type":"size"}).
// - A view-only viewer never starts a backend: with none open it waits ("The student has no terminal open…")
//   and attaches when one starts. An SSH password is asked only from the viewer who opened the terminal; others
//   attach to the authenticated session and never authenticate again.
// - The backend ends GRACE_MS after the last interactive viewer left (a reload gets the same shell back). When it
//   ends, interactive viewers get {"type":"exit"} and close as before; view-only viewers go back to waiting.
// - Backpressure: the backend is paused while an interactive viewer's socket has more than WS_HIGH_WATER waiting;
//   a view-only viewer that falls VIEWER_MAX_BUFFER behind is closed (it never slows the student down).
//
// The terminal lives in the instance that opened it: a viewer whose socket lands on another instance gets that
// instance's own terminal (see ARCHITECTURE.md, Consoles).
import type { WebSocket } from "ws";
import { AppError } from "@/server/http/app-error";
import type { OpenSession } from "./sessions";

export const SCROLLBACK_BYTES = 64 * 1024;
export const GRACE_MS = 10_000;
const BATCH_MS = 4;
const WS_HIGH_WATER = 1024 * 1024;
const WS_LOW_WATER = 256 * 1024;
const VIEWER_MAX_BUFFER = 8 * 1024 * 1024;
export const NO_TERMINAL_MESSAGE = "The student has no terminal open. This view attaches when they open one.";

/** What a backend tells the shared terminal. */
export type BackendHooks = {
  output: (chunk: Buffer) => void;
  /** The shell is open: input written from now on reaches it. */
  ready: () => void;
  /** The backend is over: a failure (close code + reason) or the shell's end (exitCode set, code 1000). */
  ended: (code: number, reason: string, exitCode?: number | null) => void;
  /** A control message for the viewer who opened the terminal (an SSH password prompt, "Wrong password"). */
  toOpener: (message: Record<string, unknown>) => void;
};

export type Backend = {
  write: (chunk: Buffer) => void;
  resize: (cols: number, rows: number) => void;
  pause: () => void;
  resume: () => void;
  /** A control message from the viewer who opened it (SSH: {"type":"auth","password"}). */
  control?: (message: { type?: unknown; password?: unknown }) => void;
  close: () => void;
};

export type BackendFactory = (size: { cols: number; rows: number }, hooks: BackendHooks) => Backend | Promise<Backend>;

type Viewer = {
  ws: WebSocket;
  session: OpenSession;
  interactive: boolean;
  end: (code: number, reason: string) => void;
  pending: Buffer[];
  timer?: NodeJS.Timeout;
  terminal: SharedTerminal | null;
};

type Registry = { terminals: Map<string, SharedTerminal>; waiting: Map<string, Set<Viewer>> };
const globalForTerminals = globalThis as unknown as { __labSharedTerminals?: Registry };
function registry(): Registry {
  globalForTerminals.__labSharedTerminals ??= { terminals: new Map(), waiting: new Map() };
  return globalForTerminals.__labSharedTerminals;
}

const sendJson = (ws: WebSocket, message: Record<string, unknown>) => {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
};

class SharedTerminal {
  readonly viewers = new Set<Viewer>();
  backend: Backend | null = null;
  ready = false;
  ended = false;
  size = { cols: 80, rows: 24 };
  private scrollback: Buffer[] = [];
  private scrollbackBytes = 0;
  private earlyInput: Buffer[] = [];
  private grace?: NodeJS.Timeout;
  private paused = false;

  constructor(
    readonly key: string,
    public opener: Viewer | null,
  ) {}

  start(factory: BackendFactory): void {
    const startSize = { ...this.size };
    const hooks: BackendHooks = {
      output: (chunk) => this.output(chunk),
      ready: () => {
        if (this.ended) return;
        this.ready = true;
        this.flushEarlyInput();
      },
      ended: (code, reason, exitCode) => this.finish(code, reason, exitCode),
      toOpener: (message) => {
        if (this.opener) sendJson(this.opener.ws, message);
      },
    };
    Promise.resolve()
      .then(() => factory({ ...startSize }, hooks))
      .then(
        (backend) => {
          if (this.ended) return backend.close();
          this.backend = backend;
          if (this.paused) backend.pause();
          if (this.size.cols !== startSize.cols || this.size.rows !== startSize.rows)
            backend.resize(this.size.cols, this.size.rows);
          this.flushEarlyInput();
        },
        (error: unknown) => {
          const appError =
            error instanceof AppError ? error : new AppError("BACKEND_UNREACHABLE", (error as Error).message);
          this.finish(appError.wsCloseCode, appError.message);
        },
      );
  }

  /** Keystrokes typed while the backend was starting, once it is open. */
  private flushEarlyInput(): void {
    if (!this.ready || !this.backend || this.earlyInput.length === 0) return;
    this.backend.write(Buffer.concat(this.earlyInput));
    this.earlyInput = [];
  }

  attach(viewer: Viewer): void {
    viewer.terminal = this;
    this.viewers.add(viewer);
    if (viewer.interactive) {
      clearTimeout(this.grace);
      this.grace = undefined;
    }
    if (this.scrollbackBytes > 0 && viewer.ws.readyState === viewer.ws.OPEN) {
      // the current screen first, so a late joiner (a watcher, a reload) sees what the others see
      const replay = Buffer.concat(this.scrollback);
      sendJson(viewer.ws, { type: "replay" });
      viewer.session.stats.bytesOut += replay.length;
      viewer.ws.send(replay, { binary: true });
    }
    if (!viewer.interactive) sendJson(viewer.ws, { type: "size", ...this.size });
  }

  /** A viewer's socket closed (or its session was ended). */
  detach(viewer: Viewer): void {
    if (!this.viewers.delete(viewer)) return;
    viewer.terminal = null;
    clearTimeout(viewer.timer);
    if (this.ended) return;
    if (viewer === this.opener && !this.ready) {
      // the SSH password was being asked from this viewer: nobody else can answer it
      this.opener = null;
      this.finish(1000, "The person who opened this terminal left before it was ready.");
      return;
    }
    if (viewer === this.opener) this.opener = null;
    if (![...this.viewers].some((v) => v.interactive) && !this.grace) {
      this.grace = setTimeout(() => {
        this.grace = undefined;
        if (![...this.viewers].some((v) => v.interactive))
          this.finish(1000, "The terminal was closed.", undefined, true);
      }, GRACE_MS);
      this.grace.unref();
    }
    this.checkResume();
  }

  input(viewer: Viewer, chunk: Buffer): void {
    if (!viewer.interactive || this.ended || chunk.length === 0) return;
    viewer.session.stats.bytesIn += chunk.length;
    if (this.ready && this.backend) this.backend.write(chunk);
    else if (this.earlyInput.reduce((n, b) => n + b.length, 0) + chunk.length <= 64 * 1024) this.earlyInput.push(chunk);
  }

  control(viewer: Viewer, msg: { type?: unknown; cols?: unknown; rows?: unknown; password?: unknown }): void {
    if (this.ended) return;
    if (msg.type === "resize" && Number.isInteger(msg.cols) && Number.isInteger(msg.rows)) {
      if (!viewer.interactive) return; // a watcher's window never changes the student's terminal
      this.size = {
        cols: Math.min(Math.max(msg.cols as number, 2), 1000),
        rows: Math.min(Math.max(msg.rows as number, 2), 500),
      };
      this.backend?.resize(this.size.cols, this.size.rows);
      for (const v of this.viewers) if (!v.interactive) sendJson(v.ws, { type: "size", ...this.size });
    } else if (msg.type === "auth" && viewer === this.opener && !this.ready) {
      this.backend?.control?.(msg);
    }
  }

  private output(chunk: Buffer): void {
    if (this.ended) return;
    this.scrollback.push(chunk);
    this.scrollbackBytes += chunk.length;
    while (this.scrollbackBytes > SCROLLBACK_BYTES && this.scrollback.length > 1) {
      this.scrollbackBytes -= (this.scrollback.shift() as Buffer).length;
    }
    if (this.scrollbackBytes > SCROLLBACK_BYTES) {
      // one chunk larger than the whole buffer: keep its tail, from a line start when there is one
      const only = this.scrollback[0] as Buffer;
      let tail = only.subarray(only.length - SCROLLBACK_BYTES);
      const nl = tail.indexOf(10);
      if (nl >= 0 && nl < tail.length - 1) tail = tail.subarray(nl + 1);
      this.scrollback = [Buffer.from(tail)];
      this.scrollbackBytes = tail.length;
    }
    for (const v of this.viewers) {
      v.pending.push(chunk);
      v.timer ??= setTimeout(() => this.flush(v), BATCH_MS);
    }
  }

  private flush(v: Viewer): void {
    clearTimeout(v.timer);
    v.timer = undefined;
    if (v.pending.length === 0 || v.ws.readyState !== v.ws.OPEN) {
      v.pending = [];
      return;
    }
    const chunk = v.pending.length === 1 ? (v.pending[0] as Buffer) : Buffer.concat(v.pending);
    v.pending = [];
    v.session.stats.bytesOut += chunk.length;
    v.ws.send(chunk, { binary: true }, (error) => {
      if (error) return v.end(1011, "Sending to the browser failed.");
      this.checkResume();
    });
    if (v.ws.bufferedAmount > (v.interactive ? WS_HIGH_WATER : VIEWER_MAX_BUFFER)) {
      if (v.interactive) {
        this.paused = true;
        this.backend?.pause();
      } else v.end(1011, "This view could not keep up with the terminal. Open it again.");
    }
  }

  private checkResume(): void {
    if (!this.paused) return;
    for (const v of this.viewers) if (v.interactive && v.ws.bufferedAmount >= WS_LOW_WATER) return;
    this.paused = false;
    this.backend?.resume();
  }

  /** The backend is over. Interactive viewers are closed (exit first when the shell ended); watchers wait again. */
  private finish(code: number, reason: string, exitCode?: number | null, byGrace = false): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.grace);
    const r = registry();
    if (r.terminals.get(this.key) === this) r.terminals.delete(this.key);
    try {
      this.backend?.close();
    } catch {
      // already gone
    }
    for (const v of [...this.viewers]) {
      this.flush(v);
      this.viewers.delete(v);
      v.terminal = null;
      if (v.interactive) {
        if (exitCode !== undefined) sendJson(v.ws, { type: "exit", code: exitCode });
        v.end(code, reason);
      } else {
        sendJson(v.ws, {
          type: "status",
          message:
            exitCode !== undefined
              ? "The shell ended. This view attaches when the student opens a new one."
              : byGrace
                ? NO_TERMINAL_MESSAGE
                : `${reason} This view attaches when the terminal is opened again.`.trim(),
        });
        wait(this.key, v);
      }
    }
  }
}

function wait(key: string, viewer: Viewer): void {
  const r = registry();
  let set = r.waiting.get(key);
  if (!set) {
    set = new Set();
    r.waiting.set(key, set);
  }
  set.add(viewer);
}

function stopWaiting(key: string, viewer: Viewer): void {
  const set = registry().waiting.get(key);
  if (!set) return;
  set.delete(viewer);
  if (set.size === 0) registry().waiting.delete(key);
}

/**
 * Joins `ws` to the machine's shared terminal of this kind: an interactive viewer starts it (with `open`) when
 * none runs; a view-only viewer waits for one. `end` closes this viewer's socket (and its session).
 */
export function joinSharedTerminal(
  ws: WebSocket,
  options: {
    machineId: string;
    kind: "exec" | "ssh";
    viewOnly: boolean;
    session: OpenSession;
    end: (code: number, reason: string) => void;
    open: BackendFactory;
  },
): void {
  // closed while its session was being opened: it never joins (its close listener would never run)
  if (ws.readyState !== ws.OPEN) return;
  const key = `${options.machineId}:${options.kind}`;
  const viewer: Viewer = {
    ws,
    session: options.session,
    interactive: !options.viewOnly,
    end: options.end,
    pending: [],
    terminal: null,
  };
  const r = registry();

  ws.on("message", (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
    const t = viewer.terminal;
    if (!t) return; // waiting: nothing to send to
    const chunk = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
    if (isBinary) {
      t.input(viewer, chunk);
      return;
    }
    let msg: { type?: unknown; cols?: unknown; rows?: unknown; password?: unknown };
    try {
      msg = JSON.parse(chunk.toString("utf8"));
    } catch {
      return; // not a control message: ignore
    }
    if (msg && typeof msg === "object") t.control(viewer, msg);
  });
  ws.on("close", () => {
    stopWaiting(key, viewer);
    viewer.terminal?.detach(viewer);
  });

  let terminal = r.terminals.get(key);
  if (!terminal || terminal.ended) {
    if (!viewer.interactive) {
      wait(key, viewer);
      sendJson(ws, { type: "status", message: NO_TERMINAL_MESSAGE });
      ws.resume();
      return;
    }
    terminal = new SharedTerminal(key, viewer);
    r.terminals.set(key, terminal);
    terminal.attach(viewer);
    // watchers who were waiting for this machine's terminal see it from its first byte
    for (const waiting of r.waiting.get(key) ?? []) terminal.attach(waiting);
    r.waiting.delete(key);
    terminal.start(options.open);
  } else terminal.attach(viewer);
  // the console socket holds the browser's frames until the runner listens (handleConsole pauses it)
  ws.resume();
}

/** For tests and the admin view: how many shared terminals this process holds, and their viewers. */
export function sharedTerminalCount(): number {
  return registry().terminals.size;
}
