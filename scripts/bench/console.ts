// `npm run bench:console`: our WebSocket ↔ TCP bridge (src/server/console/tcp-bridge.ts, exactly what server.ts
// runs per console connection, minus tickets and VNC authentication) side by side with Debian's websockify (the
// Python one from the `websockify` package, `bash scripts/setup-services.sh bench`), both in front of the same
// TCP backend, everything on 127.0.0.1. Measures, per bridge: throughput with 1 and with 50 concurrent
// connections (the backend floods 64 KiB writes), round trips of 32-byte messages through an echo backend, the
// bridge's CPU seconds per GB moved and its resident memory per idle open session. Prints a table and, last,
// one JSON line.
//
// Processes: this one (round trips, idle sessions, and it steers), flood clients (`console.ts client`, two per
// core by default, BENCH_CONSOLE_CLIENTS: one Node client process was itself the bottleneck at about one core,
// so the flood numbers measured the client, not the bridges; the 50 connections are spread over them, the single
// connection uses one), a backend child (`console.ts backend`), our bridge child (`console.ts bridge PORT`: a
// `ws` WebSocketServer like the portal's — perMessageDeflate off, 1 MiB maxPayload — that dials the backend per
// connection and calls bridge(), which uses the native splice pump when it is built, as the portal does), and
// websockify. Only the bridges' CPU and memory count (/proc/<pid>/stat, status, smaps_rollup); the backend's and
// the clients' CPU in the same windows is printed beside it, because all of them share the machine's cores and
// so limit each other's throughput; by default (BENCH_CONSOLE_PIN) the clients are kept on CPU 0 and the backend
// and the bridges on the other CPUs. LAB_NATIVE_PUMP=0 runs our bridge in JavaScript for comparison.
//
// websockify mode: by default websockify 0.10 forks one process per connection (multiprocessing.Process); the
// `--libserver` option keeps one process with one thread per connection. We run the default, because that is
// how websockify is deployed (noVNC's launcher, distribution units) and it is its stronger mode under load (one
// select() loop per process, no shared GIL: on the 2-core test machine --libserver needed ≈ 1.75 CPU s/GB at 50
// connections against ≈ 1.25 forked); BENCH_WEBSOCKIFY_MODE=libserver runs the threaded mode instead. Because of
// the forks, everything measured for websockify covers its whole process tree: CPU is the parent's
// utime+stime plus its reaped children (cutime+cstime, we wait until every child is reaped) plus live
// children; memory per session is the growth of the tree's summed PSS (each page shared copy-on-write with
// the parent counted once across the tree; the naive sum of children's VmRSS is printed beside it).
// Ours is one process: its VmRSS growth after a forced GC (PSS and V8 heap+external growth are printed too).
// Targets (ours / websockify): throughput ≥ 1.2× at 1 and at 50 connections, CPU per GB ≤ 0.7× (both flood
// phases together), and ≤ 64 KiB per idle session.
//
// Knobs: BENCH_CONSOLE_MB_1 (1000: MB read through 1 connection; 200 made a round last about 0.15 s, too short to be steady), BENCH_CONSOLE_MB_PER_CONN (20: MB per
// connection with BENCH_CONSOLE_CONNS = 50), BENCH_CONSOLE_RTT_N (2000), BENCH_CONSOLE_IDLE (500),
// BENCH_CONSOLE_ROUNDS (5: the measured phases are repeated, bridges taking turns), BENCH_WEBSOCKIFY (the
// websockify executable), BENCH_WEBSOCKIFY_MODE (fork | libserver).
// Every wait is bounded; every child is stopped on every path (finally, SIGINT/SIGTERM, and our own children
// also exit when this process disappears: IPC disconnect, and websockify through setpriv --pdeathsig).
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { type AddressInfo, connect, createServer } from "node:net";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { WebSocket, WebSocketServer } from "ws";
import { nativePumpStatus } from "@/server/console/native-pump";
import { bridge } from "@/server/console/tcp-bridge";

const SELF = fileURLToPath(import.meta.url);
const ROOT = join(SELF, "..", "..", "..");
const MB = 1e6; // throughput in decimal MB/s, CPU per decimal GB
const MB_1 = Number(process.env.BENCH_CONSOLE_MB_1 ?? 1000);
const MB_PER_CONN = Number(process.env.BENCH_CONSOLE_MB_PER_CONN ?? 20);
const CONNS = Number(process.env.BENCH_CONSOLE_CONNS ?? 50);
const RTT_N = Number(process.env.BENCH_CONSOLE_RTT_N ?? 2000);
const RTT_WARMUP = 200;
const RTT_BYTES = 32;
const IDLE_N = Number(process.env.BENCH_CONSOLE_IDLE ?? 500);
/** Flood client processes (the 50 connections are spread over them; 1 connection uses the first). */
const CLIENT_PROCS = Math.max(1, Number(process.env.BENCH_CONSOLE_CLIENTS ?? 2 * availableParallelism()));
/**
 * The load generator apart from what it measures (as benchmarks of servers do): the readers on CPU 0, the backend
 * and both bridges on the other CPUs, so each bridge has the same CPU budget and the clients do not compete with
 * it. BENCH_CONSOLE_PIN=0 lets the scheduler place everything (noisier; both figures are in the issue note).
 */
const PIN = process.env.BENCH_CONSOLE_PIN !== "0" && availableParallelism() >= 2;
const ROUNDS = Math.max(1, Number(process.env.BENCH_CONSOLE_ROUNDS ?? 5));
const WARMUP_MB = 50;
const WEBSOCKIFY = process.env.BENCH_WEBSOCKIFY ?? "websockify";
const WEBSOCKIFY_MODE = process.env.BENCH_WEBSOCKIFY_MODE === "libserver" ? "libserver" : "fork";
const TARGETS = { throughput_ratio: 1.2, cpu_per_gb_ratio: 0.7, idle_session_kib: 64 };
const FLOOD_CHUNK = 64 * 1024;
const PHASE_TIMEOUT_MS = 180_000;

const log = (line: string) => console.log(line);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (v: number, digits = 2) => Math.round(v * 10 ** digits) / 10 ** digits;

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${Math.round(ms / 1000)} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function until(what: string, ms: number, check: () => boolean | Promise<boolean>, everyMs = 50): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${Math.round(ms / 1000)} s waiting for ${what}`);
    await sleep(everyMs);
  }
}

// ── children ────────────────────────────────────────────────────────────────────────────────────────────

/** The backend: per connection, the first byte picks the mode: "F" floods 64 KiB writes, "E" echoes, else idle. */
function runBackend(): void {
  const chunk = randomBytes(FLOOD_CHUNK);
  let open = 0;
  const server = createServer({ noDelay: true, highWaterMark: 4 * FLOOD_CHUNK }, (sock) => {
    open++;
    sock.on("close", () => open--);
    sock.on("error", () => sock.destroy());
    sock.once("data", (first: Buffer) => {
      if (first[0] === 0x46 /* F */) {
        sock.on("data", () => {}); // keep reading (nothing is expected) so a close is noticed
        const pump = () => {
          while (!sock.destroyed && sock.write(chunk)) {
            // the socket took it without queueing past the high-water mark: write again
          }
        };
        sock.on("drain", pump);
        pump();
      } else if (first[0] === 0x45 /* E */) {
        if (first.length > 1) sock.write(first.subarray(1));
        sock.on("data", (data: Buffer) => sock.write(data));
      } else {
        sock.on("data", () => {});
      }
    });
  });
  server.listen(0, "127.0.0.1", () => process.send?.({ type: "port", port: (server.address() as AddressInfo).port }));
  process.on("message", (m: { type?: string }) => {
    if (m.type === "count") process.send?.({ type: "count", count: open });
  });
  process.on("disconnect", () => process.exit(0));
}

/** Our bridge, as the portal runs it per console connection (console-socket.ts runVnc minus VNC auth). */
function runBridge(backendPort: number): void {
  const wss = new WebSocketServer({ host: "127.0.0.1", port: 0, perMessageDeflate: false, maxPayload: 1024 * 1024 });
  wss.on("connection", (ws) => {
    ws.pause(); // like handleConsole: hold what the browser sends until the machine side is there
    const tcp = connect({ host: "127.0.0.1", port: backendPort });
    const early = () => {
      tcp.destroy();
      ws.terminate();
    };
    tcp.once("error", early);
    ws.once("error", early);
    tcp.once("connect", () => {
      tcp.off("error", early);
      ws.off("error", early);
      bridge(ws, tcp);
      ws.resume();
    });
  });
  wss.on("listening", () =>
    process.send?.({ type: "port", port: (wss.address() as AddressInfo).port, pump: nativePumpStatus() }),
  );
  process.on("message", (m: { type?: string }) => {
    if (m.type !== "gc") return;
    (globalThis as { gc?: () => void }).gc?.();
    const u = process.memoryUsage();
    process.send?.({ type: "gc", heapUsed: u.heapUsed, external: u.external, arrayBuffers: u.arrayBuffers });
  });
  process.on("disconnect", () => process.exit(0));
}

// ── process bookkeeping (/proc) ─────────────────────────────────────────────────────────────────────────

const children = new Set<ChildProcess>();
/** Children started in their own process group (websockify and its forks): signalled as a group. */
const groups = new Set<ChildProcess>();
const CLK_TCK = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** Fields of /proc/<pid>/stat after the command name, so index 0 is field 3 (state). */
function statFields(pid: number): string[] | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    return text.slice(text.lastIndexOf(")") + 2).split(" ");
  } catch {
    return null;
  }
}

function childPids(pid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const f = statFields(Number(name));
    if (f && Number(f[1]) === pid) out.push(Number(name));
  }
  return out;
}

function tree(pid: number): number[] {
  const all = [pid];
  for (let i = 0; i < all.length; i++) all.push(...childPids(all[i]!));
  return all;
}

type Cpu = { user: number; system: number };
/** CPU seconds of a process tree: everyone's utime / stime, plus what reaped children left in cutime / cstime. */
function treeCpu(pid: number): Cpu {
  let user = 0;
  let system = 0;
  for (const p of tree(pid)) {
    const f = statFields(p);
    if (!f) continue;
    user += Number(f[11]) + Number(f[13]);
    system += Number(f[12]) + Number(f[14]);
  }
  return { user: user / CLK_TCK, system: system / CLK_TCK };
}

function statusKib(pid: number, field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) : 0;
}

function pssKib(pid: number): number {
  try {
    const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, "utf8"));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

type Memory = { rssKib: number; rssSumKib: number; pssKib: number; procs: number; heapBytes?: number };
function memoryOf(pid: number): Memory {
  const pids = tree(pid);
  let rssSum = 0;
  let pss = 0;
  for (const p of pids) {
    try {
      rssSum += statusKib(p, "VmRSS");
      pss += pssKib(p);
    } catch {
      // exited meanwhile
    }
  }
  return { rssKib: statusKib(pid, "VmRSS"), rssSumKib: rssSum, pssKib: pss, procs: pids.length };
}

type Bridge = {
  name: "ours" | "websockify";
  label: string;
  port: number;
  pid: number;
  proc: ChildProcess;
  output: () => string;
  /** Runs a full GC in the bridge (ours) and returns V8 heap + external bytes; null for websockify. */
  gc: () => Promise<number | null>;
  /** websockify forks per connection: wait until every child has exited and been reaped. */
  reaped: () => Promise<void>;
};

/** Asks the backend how many connections it holds (set once the backend runs). */
let backendCount: () => Promise<number> = async () => 0;
let backendPid = 0;
const cpuTotal = (c: Cpu) => c.user + c.system;

/** Before a phase: every earlier connection is gone from the backend, and (websockify) every fork reaped. */
async function settle(b: Bridge): Promise<void> {
  await until("the backend to drop every earlier connection", 60_000, async () => (await backendCount()) === 0, 50);
  await b.reaped();
}

function keepTail(proc: ChildProcess): () => string {
  let tail = "";
  const add = (d: Buffer) => {
    tail = (tail + d.toString("utf8")).slice(-4000);
  };
  proc.stdout?.on("data", add);
  proc.stderr?.on("data", add);
  return () => tail;
}

function request<T>(proc: ChildProcess, type: string, ms = 10_000): Promise<T> {
  return withTimeout(
    new Promise<T>((resolve) => {
      const onMessage = (m: { type?: string }) => {
        if (m.type !== type) return;
        proc.off("message", onMessage);
        resolve(m as T);
      };
      proc.on("message", onMessage);
      if (type !== "port" && type !== "ready") proc.send({ type });
    }),
    ms,
    `the ${type} answer from child ${proc.pid}`,
  );
}

function spawnNodeChild(args: string[]): { proc: ChildProcess; output: () => string } {
  const proc = spawn(process.execPath, ["--expose-gc", "--import", "tsx", SELF, ...args], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe", "ipc"],
    env: { ...process.env, NODE_ENV: "production" },
  });
  children.add(proc);
  const output = keepTail(proc);
  proc.once("exit", () => children.delete(proc));
  return { proc, output };
}

async function startBackend(): Promise<{ port: number; count: () => Promise<number>; proc: ChildProcess }> {
  const { proc, output } = spawnNodeChild(["backend"]);
  const { port } = await request<{ port: number }>(proc, "port", 30_000).catch((e: Error) => {
    throw new Error(`${e.message}; backend output: ${output()}`);
  });
  return { port, proc, count: async () => (await request<{ count: number }>(proc, "count")).count };
}

async function startOurs(backendPort: number): Promise<Bridge> {
  const { proc, output } = spawnNodeChild(["bridge", String(backendPort)]);
  const { port, pump } = await request<{ port: number; pump: { native: boolean; reason: string } }>(
    proc,
    "port",
    30_000,
  ).catch((e: Error) => {
    throw new Error(`${e.message}; bridge output: ${output()}`);
  });
  if (!pump.native) log(`note: our bridge runs in JavaScript: ${pump.reason}`);
  return {
    name: "ours",
    label: `ours (tcp-bridge.ts, ${pump.native ? "native splice pump" : "JavaScript"})`,
    port,
    pid: proc.pid!,
    proc,
    output,
    gc: async () => {
      const m = await request<{ heapUsed: number; external: number }>(proc, "gc");
      return m.heapUsed + m.external;
    },
    reaped: async () => {},
  };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function tcpAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: "127.0.0.1", port });
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
  });
}

function websockifyVersion(): string {
  try {
    return execFileSync("dpkg-query", ["-W", "websockify"], { encoding: "utf8" }).trim().split("\t")[1] || "?"; // "websockify\t0.10.0+…"
  } catch {
    return "?";
  }
}

async function startWebsockify(backendPort: number): Promise<Bridge> {
  const port = await freePort();
  const args = [
    ...(WEBSOCKIFY_MODE === "libserver" ? ["--libserver"] : []),
    `127.0.0.1:${port}`,
    `127.0.0.1:${backendPort}`,
  ];
  // setpriv --pdeathsig: websockify gets SIGTERM (and stops its forked children) even if this process is killed
  const usePdeath = existsSync("/usr/bin/setpriv");
  const proc = usePdeath
    ? spawn("/usr/bin/setpriv", ["--pdeathsig", "TERM", "--", WEBSOCKIFY, ...args], {
        stdio: ["ignore", "pipe", "pipe"],
        detached: true,
      })
    : spawn(WEBSOCKIFY, args, { stdio: ["ignore", "pipe", "pipe"], detached: true });
  children.add(proc);
  groups.add(proc);
  const output = keepTail(proc);
  let exited = false;
  proc.once("exit", () => {
    exited = true;
    children.delete(proc);
  });
  await until(`websockify on 127.0.0.1:${port}`, 30_000, async () => {
    if (exited) throw new Error(`websockify exited at start: ${output()}`);
    return tcpAnswers(port);
  });
  const pid = proc.pid!;
  return {
    name: "websockify",
    label: `websockify ${websockifyVersion()} (${WEBSOCKIFY_MODE === "fork" ? "process per connection" : "--libserver, threads"})`,
    port,
    pid,
    proc,
    output,
    gc: async () => null,
    reaped: () =>
      until("websockify's per-connection processes to exit", 60_000, () => childPids(pid).length === 0, 100),
  };
}

function stopChild(proc: ChildProcess): void {
  if (proc.exitCode !== null || proc.signalCode !== null || !proc.pid) return;
  try {
    // websockify was started in its own process group (detached): signal the group, which holds its forks
    if (groups.has(proc)) process.kill(-proc.pid, "SIGTERM");
    else proc.kill("SIGTERM");
  } catch {
    // already gone
  }
}

async function stopAll(): Promise<void> {
  const list = [...children];
  for (const proc of list) stopChild(proc);
  const deadline = Date.now() + 5_000;
  while (list.some((p) => p.exitCode === null && p.signalCode === null) && Date.now() < deadline) await sleep(50);
  for (const proc of list) {
    if (proc.exitCode !== null || proc.signalCode !== null || !proc.pid) continue;
    try {
      if (groups.has(proc)) process.kill(-proc.pid, "SIGKILL");
      else proc.kill("SIGKILL");
    } catch {
      // already gone
    }
  }
}

// ── clients ─────────────────────────────────────────────────────────────────────────────────────────────

function openWs(port: number): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    // no subprotocol: websockify ≥ 0.9 speaks binary frames without one (it still answers "binary" if offered)
    const ws = new WebSocket(`ws://127.0.0.1:${port}/`, { perMessageDeflate: false, handshakeTimeout: 15_000 });
    ws.once("open", () => {
      ws.off("error", reject);
      ws.on("error", () => {});
      resolve(ws);
    });
    ws.once("error", reject);
  });
}

async function openMany(port: number, n: number, batch = 50): Promise<WebSocket[]> {
  const out: WebSocket[] = [];
  for (let i = 0; i < n; i += batch)
    out.push(...(await Promise.all(Array.from({ length: Math.min(batch, n - i) }, () => openWs(port)))));
  return out;
}

type Flood = {
  conns: number;
  bytes: number;
  seconds: number;
  mbs: number;
  cpuSeconds: number;
  userSeconds: number;
  cpuPerGb: number;
  fastest: number;
  /** WebSocket messages received (frame size = bytes / frames). */
  frames: number;
  /** CPU seconds of the other two parties in the same window, to see who limits the end-to-end rate. */
  backendSeconds: number;
  clientSeconds: number;
  clientUserSeconds: number;
};
/** Rounds of one flood: median MB/s and its range; CPU per GB over all the rounds' bytes. */
type Floods = Flood & { rounds: number; mbsMin: number; mbsMax: number };

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

function combine(rounds: Flood[]): Floods {
  const sum = (f: (r: Flood) => number) => rounds.reduce((t, r) => t + f(r), 0);
  const mbs = rounds.map((r) => r.mbs);
  return {
    conns: rounds[0]!.conns,
    bytes: sum((r) => r.bytes),
    seconds: sum((r) => r.seconds),
    mbs: median(mbs),
    mbsMin: Math.min(...mbs),
    mbsMax: Math.max(...mbs),
    cpuSeconds: sum((r) => r.cpuSeconds),
    userSeconds: sum((r) => r.userSeconds),
    cpuPerGb: sum((r) => r.cpuSeconds) / (sum((r) => r.bytes) / 1e9),
    fastest: median(rounds.map((r) => r.fastest)),
    frames: sum((r) => r.frames),
    backendSeconds: sum((r) => r.backendSeconds),
    clientSeconds: sum((r) => r.clientSeconds),
    clientUserSeconds: sum((r) => r.clientUserSeconds),
    rounds: rounds.length,
  };
}

type ClientFlood = { bytes: number; frames: number; fastestMs: number; user: number; system: number };

/** A flood client process: opens its share of the connections, then (on "go") reads `bytes` from each. */
function runClient(): void {
  let sockets: WebSocket[] = [];
  process.on("message", async (m: { type?: string; port?: number; conns?: number; bytes?: number }) => {
    try {
      if (m.type === "open") {
        sockets = await openMany(m.port as number, m.conns as number);
        process.send?.({ type: "open" });
      } else if (m.type === "go") {
        process.send?.({ type: "go", ...(await readFloods(sockets, m.bytes as number)) });
        sockets = [];
      }
    } catch (error) {
      for (const ws of sockets) ws.terminate();
      sockets = [];
      process.send?.({ type: m.type, error: (error as Error).message });
    }
  });
  process.on("disconnect", () => process.exit(0));
  process.send?.({ type: "ready" });
}

async function readFloods(sockets: WebSocket[], bytesPerConn: number): Promise<ClientFlood> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let frames = 0;
  const finished = sockets.map(
    (ws) =>
      new Promise<{ bytes: number; at: number }>((resolve, reject) => {
        let got = 0;
        let done = false;
        ws.on("message", (data: Buffer, isBinary: boolean) => {
          if (done) return;
          if (!isBinary) return reject(new Error("the bridge sent a text frame; the bench expects binary frames"));
          got += data.length;
          frames++;
          if (got >= bytesPerConn) {
            done = true;
            const at = performance.now();
            ws.terminate();
            resolve({ bytes: got, at });
          }
        });
        ws.once("close", () => {
          if (!done) reject(new Error(`the bridge closed a flood connection after ${got} of ${bytesPerConn} bytes`));
        });
      }),
  );
  for (const ws of sockets) ws.send(Buffer.from("F"));
  try {
    const results = await Promise.all(finished);
    const cpu = process.cpuUsage(cpu0);
    return {
      bytes: results.reduce((t, r) => t + r.bytes, 0),
      frames,
      fastestMs: Math.min(...results.map((r) => r.at)) - t0,
      user: cpu.user / 1e6,
      system: cpu.system / 1e6,
    };
  } finally {
    for (const ws of sockets) ws.terminate();
  }
}

/** Flood clients: several processes, so that no single client's core caps the end-to-end rate (set in main). */
let clients: ChildProcess[] = [];

function ask<T>(proc: ChildProcess, message: { type: string } & Record<string, unknown>, ms: number): Promise<T> {
  return withTimeout(
    new Promise<T>((resolve, reject) => {
      const onMessage = (m: { type?: string; error?: string }) => {
        if (m.type !== message.type) return;
        proc.off("message", onMessage);
        if (m.error) reject(new Error(`client ${proc.pid}: ${m.error}`));
        else resolve(m as T);
      };
      proc.on("message", onMessage);
      proc.send(message);
    }),
    ms,
    `the ${message.type} answer from client ${proc.pid}`,
  );
}

/** Opens `conns` connections spread over the client processes, then asks the backend of each to flood, and
 * reads `bytesPerConn` from each. Time runs from "go" until the last client reports. */
async function flood(b: Bridge, conns: number, bytesPerConn: number): Promise<Flood> {
  await settle(b);
  const used = clients.slice(0, Math.min(conns, clients.length));
  const share = used.map((_, i) => Math.floor((conns * (i + 1)) / used.length) - Math.floor((conns * i) / used.length));
  await Promise.all(used.map((c, i) => ask(c, { type: "open", port: b.port, conns: share[i] }, 60_000)));
  const cpu0 = treeCpu(b.pid);
  const backend0 = cpuTotal(treeCpu(backendPid));
  const t0 = performance.now();
  let end = t0;
  const reports = await Promise.all(
    used.map((c) =>
      ask<ClientFlood>(c, { type: "go", bytes: bytesPerConn }, PHASE_TIMEOUT_MS).then((r) => {
        end = Math.max(end, performance.now());
        return r;
      }),
    ),
  ).catch((error: Error) => {
    throw new Error(`${b.name} flood with ${conns} connection(s): ${error.message}`);
  });
  const backendSeconds = cpuTotal(treeCpu(backendPid)) - backend0; // the backend stops writing once the bridge closes
  await settle(b); // websockify: its children's CPU is in the parent's cutime only once they are reaped
  const cpu1 = treeCpu(b.pid);
  const userSeconds = cpu1.user - cpu0.user;
  const cpuSeconds = userSeconds + cpu1.system - cpu0.system;
  const bytes = reports.reduce((t, r) => t + r.bytes, 0);
  const seconds = (end - t0) / 1000;
  return {
    conns,
    bytes,
    seconds,
    mbs: bytes / MB / seconds,
    cpuSeconds,
    userSeconds,
    cpuPerGb: cpuSeconds / (bytes / 1e9),
    backendSeconds,
    clientSeconds: reports.reduce((t, r) => t + r.user + r.system, 0),
    clientUserSeconds: reports.reduce((t, r) => t + r.user, 0),
    fastest: Math.min(...reports.map((r) => r.fastestMs)) / 1000,
    frames: reports.reduce((t, r) => t + r.frames, 0),
  };
}

type Rtt = { n: number; p50: number; p99: number; mean: number; max: number };

function percentile(sorted: number[], p: number): number {
  const rank = Math.ceil((p / 100) * sorted.length); // nearest-rank
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

function rttStats(samples: number[]): Rtt {
  const sorted = [...samples].sort((x, y) => x - y);
  return {
    n: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    mean: sorted.reduce((s, v) => s + v, 0) / sorted.length,
    max: sorted.at(-1)!,
  };
}

/** One connection to the echo backend; `n` messages of 32 bytes, one at a time, after RTT_WARMUP untimed. */
async function roundTrips(b: Bridge, n: number): Promise<number[]> {
  await settle(b);
  const ws = await openWs(b.port);
  try {
    let want = 0;
    let got = 0;
    let wake: (() => void) | null = null;
    ws.on("message", (data: Buffer) => {
      got += data.length;
      if (got >= want && wake) {
        const w = wake;
        wake = null;
        w();
      }
    });
    ws.send(Buffer.from("E"));
    const payload = randomBytes(RTT_BYTES);
    const one = () =>
      new Promise<void>((resolve) => {
        want += RTT_BYTES;
        wake = resolve;
        ws.send(payload);
      });
    const samples: number[] = [];
    await withTimeout(
      (async () => {
        for (let i = 0; i < RTT_WARMUP + n; i++) {
          const t0 = performance.now();
          await one();
          if (i >= RTT_WARMUP) samples.push(performance.now() - t0);
        }
      })(),
      PHASE_TIMEOUT_MS,
      `${b.name} round trips`,
    );
    return samples;
  } finally {
    ws.terminate();
  }
}

type Idle = {
  n: number;
  kib: number;
  rssKib: number;
  rssSumKib: number;
  pssKib: number;
  heapKib: number | null;
  procsBefore: number;
  procsAfter: number;
};

/** Opens IDLE_N connections that send nothing, waits until the backend holds all of them, compares memory. */
async function idleSessions(b: Bridge): Promise<Idle> {
  await settle(b);
  await sleep(500);
  const heap0 = await b.gc();
  const m0 = memoryOf(b.pid);
  const sockets: WebSocket[] = [];
  try {
    sockets.push(
      ...(await withTimeout(openMany(b.port, IDLE_N), PHASE_TIMEOUT_MS, `${b.name}: opening ${IDLE_N} connections`)),
    );
    await until(
      `the backend to hold ${IDLE_N} connections through ${b.name}`,
      60_000,
      async () => (await backendCount()) >= IDLE_N,
      100,
    );
    await sleep(1_000);
    const heap1 = await b.gc();
    const m1 = memoryOf(b.pid);
    const rssKib = (m1.rssKib - m0.rssKib) / IDLE_N;
    const rssSumKib = (m1.rssSumKib - m0.rssSumKib) / IDLE_N;
    const pssKib = (m1.pssKib - m0.pssKib) / IDLE_N;
    return {
      n: IDLE_N,
      // ours: the process's VmRSS growth; websockify (forks): the tree's PSS growth (shared pages counted once)
      kib: m1.procs > m0.procs ? pssKib : rssKib,
      rssKib,
      rssSumKib,
      pssKib,
      heapKib: heap0 !== null && heap1 !== null ? (heap1 - heap0) / 1024 / IDLE_N : null,
      procsBefore: m0.procs,
      procsAfter: m1.procs,
    };
  } finally {
    for (const ws of sockets) ws.terminate();
  }
}

/** JIT and allocator warm-up, not measured: a few connections, some echoes, a short flood. */
async function warmUp(b: Bridge): Promise<void> {
  const sockets = await openMany(b.port, 10);
  for (const ws of sockets) ws.terminate();
  await settle(b);
  const ws = await openWs(b.port);
  await new Promise<void>((resolve, reject) => {
    let got = 0;
    ws.on("message", (d: Buffer) => {
      got += d.length;
      if (got >= 50 * RTT_BYTES) resolve();
    });
    ws.once("close", () => reject(new Error(`${b.name} closed the warm-up echo connection`)));
    ws.send(Buffer.from("E"));
    for (let i = 0; i < 50; i++) ws.send(randomBytes(RTT_BYTES));
  });
  ws.terminate();
}

// ── main ────────────────────────────────────────────────────────────────────────────────────────────────

type Result = { b: Bridge; idle: Idle; rtt: Rtt; one: Floods; many: Floods };

function printTable(ours: Result, theirs: Result): void {
  const cpuAll = (r: Result) => (r.one.cpuSeconds + r.many.cpuSeconds) / ((r.one.bytes + r.many.bytes) / 1e9);
  const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
  const detail = (what: string, f: Floods) =>
    `${what} (${f.rounds} rounds): ${(f.bytes / MB).toFixed(0)} MB in ${f.seconds.toFixed(2)} s; CPU s: bridge ${f.cpuSeconds.toFixed(2)} (user ${f.userSeconds.toFixed(2)}), backend ${f.backendSeconds.toFixed(2)}, clients ${f.clientSeconds.toFixed(2)} (user ${f.clientUserSeconds.toFixed(2)}); mean frame ${(f.bytes / Math.max(1, f.frames) / 1024).toFixed(1)} KiB`;
  const range = (f: Floods) =>
    f.rounds > 1 ? `${f.mbs.toFixed(0)} (${f.mbsMin.toFixed(0)}–${f.mbsMax.toFixed(0)})` : f.mbs.toFixed(0);
  const rows: string[][] = [
    [
      "throughput, 1 connection (MB/s)",
      range(ours.one),
      range(theirs.one),
      ratio(ours.one.mbs, theirs.one.mbs),
      `≥ ${TARGETS.throughput_ratio}×`,
    ],
    [
      `throughput, ${CONNS} connections (MB/s)`,
      range(ours.many),
      range(theirs.many),
      ratio(ours.many.mbs, theirs.many.mbs),
      `≥ ${TARGETS.throughput_ratio}×`,
    ],
    [
      "bridge CPU, 1 connection (s/GB)",
      ours.one.cpuPerGb.toFixed(2),
      theirs.one.cpuPerGb.toFixed(2),
      ratio(ours.one.cpuPerGb, theirs.one.cpuPerGb),
      "",
    ],
    [
      `bridge CPU, ${CONNS} connections (s/GB)`,
      ours.many.cpuPerGb.toFixed(2),
      theirs.many.cpuPerGb.toFixed(2),
      ratio(ours.many.cpuPerGb, theirs.many.cpuPerGb),
      "",
    ],
    [
      "bridge CPU, both (s/GB)",
      cpuAll(ours).toFixed(2),
      cpuAll(theirs).toFixed(2),
      ratio(cpuAll(ours), cpuAll(theirs)),
      `≤ ${TARGETS.cpu_per_gb_ratio}×`,
    ],
    [
      `round trip ${RTT_BYTES} B, p50 (ms)`,
      ours.rtt.p50.toFixed(3),
      theirs.rtt.p50.toFixed(3),
      ratio(ours.rtt.p50, theirs.rtt.p50),
      "",
    ],
    [
      `round trip ${RTT_BYTES} B, p99 (ms)`,
      ours.rtt.p99.toFixed(3),
      theirs.rtt.p99.toFixed(3),
      ratio(ours.rtt.p99, theirs.rtt.p99),
      "",
    ],
    [
      `memory per idle session (KiB, ${IDLE_N} open)`,
      ours.idle.kib.toFixed(1),
      theirs.idle.kib.toFixed(1),
      ratio(ours.idle.kib, theirs.idle.kib),
      `ours ≤ ${TARGETS.idle_session_kib} KiB`,
    ],
  ];
  const header = ["", ours.b.label, theirs.b.label, "ours / websockify", "target"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 || i === 4 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join("  ")
      .trimEnd();
  log("");
  log(line(header));
  log(widths.map((w) => "─".repeat(w)).join("  "));
  for (const r of rows) log(line(r));
  log("");
  for (const r of [ours, theirs]) {
    const i = r.idle;
    log(
      `  ${r.b.name.padEnd(10)} ${detail("flood 1", r.one)};  rtt mean ${r.rtt.mean.toFixed(3)} ms, max ${r.rtt.max.toFixed(2)} ms`,
    );
    log(
      `  ${"".padEnd(10)} ${detail(`flood ${CONNS}`, r.many)}, median first connection done after ${r.many.fastest.toFixed(2)} s`,
    );
    log(
      `  ${"".padEnd(10)} idle: per session VmRSS ${i.rssKib.toFixed(1)} KiB, PSS ${i.pssKib.toFixed(1)} KiB, summed VmRSS of all processes ${i.rssSumKib.toFixed(1)} KiB` +
        `${i.heapKib !== null ? `, V8 heap+external ${i.heapKib.toFixed(1)} KiB` : ""}; processes ${i.procsBefore} → ${i.procsAfter}`,
    );
  }
  log(
    `  (throughput: median of ${ROUNDS} rounds (range); MB = 10^6 bytes, GB = 10^9; CPU = utime+stime of the bridge's process tree from /proc; memory per session: ours VmRSS growth after a forced GC, websockify ${WEBSOCKIFY_MODE === "fork" ? "PSS growth of the tree" : "VmRSS growth"}; backend and clients share the machine's ${availableParallelism()} cores, so the flood numbers are end-to-end, not the bridge alone)`,
  );
}

async function main(): Promise<void> {
  try {
    execFileSync(WEBSOCKIFY, ["--help"], { stdio: "ignore" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      throw new Error(
        `websockify is not installed (${WEBSOCKIFY} not found). Install it with: bash scripts/setup-services.sh bench   (Debian package websockify), then rerun.`,
      );
    }
  }
  log(
    `bench:console — flood ${MB_1} MB through 1 connection and ${MB_PER_CONN} MB × ${CONNS} connections, ${RTT_N} round trips of ${RTT_BYTES} B, ${IDLE_N} idle sessions; websockify mode: ${WEBSOCKIFY_MODE}; ${CLIENT_PROCS} flood client process(es); ${PIN ? "pinned" : "not pinned"}`,
  );
  const backend = await startBackend();
  clients = await Promise.all(
    Array.from({ length: CLIENT_PROCS }, async () => {
      const { proc, output } = spawnNodeChild(["client"]);
      await request(proc, "ready", 30_000).catch((e: Error) => {
        throw new Error(`${e.message}; client output: ${output()}`);
      });
      proc.once("exit", (code) => code && console.error(`client ${proc.pid} exited (${code}): ${output()}`));
      return proc;
    }),
  );
  backendCount = backend.count;
  backendPid = backend.proc.pid!;
  const ours = await startOurs(backend.port);
  const theirs = await startWebsockify(backend.port);
  if (PIN) {
    // the readers on CPU 0, the backend and both bridges (websockify's forks inherit it) on the others
    const rest = `1-${availableParallelism() - 1}`;
    for (const pid of [process.pid, ...clients.map((c) => c.pid!)])
      execFileSync("taskset", ["-pc", "0", String(pid)], { stdio: "ignore" });
    for (const pid of [backend.proc.pid!, ours.pid, theirs.pid])
      execFileSync("taskset", ["-apc", rest, String(pid)], { stdio: "ignore" });
    log(
      `pinned: clients on CPU 0, backend and bridges on CPU ${rest} (BENCH_CONSOLE_PIN=0 to let the scheduler place them)`,
    );
  }
  const bridges = [ours, theirs];
  log(
    `backend 127.0.0.1:${backend.port} (pid ${backend.proc.pid}); ours 127.0.0.1:${ours.port} (pid ${ours.pid}); websockify 127.0.0.1:${theirs.port} (pid ${theirs.pid})`,
  );
  try {
    for (const b of bridges) await warmUp(b);

    const idle = new Map<Bridge, Idle>();
    for (const b of bridges) {
      idle.set(b, await idleSessions(b));
      log(`idle ${b.name.padEnd(10)} ${idle.get(b)!.kib.toFixed(1)} KiB per session`);
    }
    // warm-up floods, not counted (JIT of the clients, the backend and our bridge; TCP autotuning)
    for (const b of bridges) {
      await flood(b, 1, WARMUP_MB * MB);
      await flood(b, CONNS, (WARMUP_MB / 10) * MB);
    }
    // The measured phases run in ROUNDS rounds, the bridges taking turns (the order flips every round), so a
    // burst of other work on the shared cores lands on both; round trips are pooled, floods give a median.
    const samples = new Map<Bridge, number[]>(bridges.map((b) => [b, []]));
    const one = new Map<Bridge, Flood[]>(bridges.map((b) => [b, []]));
    const many = new Map<Bridge, Flood[]>(bridges.map((b) => [b, []]));
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 ? [...bridges].reverse() : bridges;
      const n = Math.floor((RTT_N * (round + 1)) / ROUNDS) - Math.floor((RTT_N * round) / ROUNDS);
      for (const b of order) samples.get(b)!.push(...(await roundTrips(b, n)));
      for (const b of order) one.get(b)!.push(await flood(b, 1, MB_1 * MB));
      for (const b of order) many.get(b)!.push(await flood(b, CONNS, MB_PER_CONN * MB));
      const show = (b: Bridge) => {
        const r = rttStats(samples.get(b)!.slice(-n));
        const f1 = one.get(b)!.at(-1)!;
        const f50 = many.get(b)!.at(-1)!;
        return `${b.name} rtt p50 ${r.p50.toFixed(3)} ms, 1 conn ${f1.mbs.toFixed(0)} MB/s (${f1.cpuPerGb.toFixed(2)} CPU s/GB), ${CONNS} conns ${f50.mbs.toFixed(0)} MB/s (${f50.cpuPerGb.toFixed(2)} CPU s/GB)`;
      };
      log(`round ${round + 1}/${ROUNDS}: ${show(ours)};  ${show(theirs)}`);
    }

    const res = (b: Bridge): Result => ({
      b,
      idle: idle.get(b)!,
      rtt: rttStats(samples.get(b)!),
      one: combine(one.get(b)!),
      many: combine(many.get(b)!),
    });
    const o = res(ours);
    const w = res(theirs);
    printTable(o, w);

    const cpuPerGb = (r: Result) => (r.one.cpuSeconds + r.many.cpuSeconds) / ((r.one.bytes + r.many.bytes) / 1e9);
    const out = {
      throughput_mbs_ours_1: round(o.one.mbs, 1),
      throughput_mbs_websockify_1: round(w.one.mbs, 1),
      throughput_mbs_ours_50: round(o.many.mbs, 1),
      throughput_mbs_websockify_50: round(w.many.mbs, 1),
      throughput_ratio_1: round(o.one.mbs / w.one.mbs, 3),
      throughput_ratio_50: round(o.many.mbs / w.many.mbs, 3),
      throughput_mbs_range_ours_1: [round(o.one.mbsMin, 1), round(o.one.mbsMax, 1)],
      throughput_mbs_range_websockify_1: [round(w.one.mbsMin, 1), round(w.one.mbsMax, 1)],
      throughput_mbs_range_ours_50: [round(o.many.mbsMin, 1), round(o.many.mbsMax, 1)],
      throughput_mbs_range_websockify_50: [round(w.many.mbsMin, 1), round(w.many.mbsMax, 1)],
      cpu_s_per_gb_ours: round(cpuPerGb(o), 3),
      cpu_s_per_gb_websockify: round(cpuPerGb(w), 3),
      cpu_per_gb_ratio: round(cpuPerGb(o) / cpuPerGb(w), 3),
      cpu_s_per_gb_ours_1: round(o.one.cpuPerGb, 3),
      cpu_s_per_gb_websockify_1: round(w.one.cpuPerGb, 3),
      cpu_s_per_gb_ours_50: round(o.many.cpuPerGb, 3),
      cpu_s_per_gb_websockify_50: round(w.many.cpuPerGb, 3),
      rtt_p50_ms_ours: round(o.rtt.p50, 4),
      rtt_p50_ms_websockify: round(w.rtt.p50, 4),
      rtt_p50_ratio: round(o.rtt.p50 / w.rtt.p50, 3),
      rtt_p99_ms_ours: round(o.rtt.p99, 4),
      rtt_p99_ms_websockify: round(w.rtt.p99, 4),
      rtt_p99_ratio: round(o.rtt.p99 / w.rtt.p99, 3),
      idle_session_kib: round(o.idle.kib, 1),
      idle_session_kib_websockify: round(w.idle.kib, 1),
      idle_session_kib_websockify_rss_sum: round(w.idle.rssSumKib, 1),
      idle_session_heap_kib: o.idle.heapKib === null ? null : round(o.idle.heapKib, 1),
      targets: TARGETS,
      targets_met: {
        throughput_ratio:
          o.one.mbs / w.one.mbs >= TARGETS.throughput_ratio && o.many.mbs / w.many.mbs >= TARGETS.throughput_ratio,
        cpu_per_gb_ratio: cpuPerGb(o) / cpuPerGb(w) <= TARGETS.cpu_per_gb_ratio,
        idle_session_kib: o.idle.kib <= TARGETS.idle_session_kib,
      },
      websockify_mode: WEBSOCKIFY_MODE,
      pinned: PIN,
      client_procs: CLIENT_PROCS,
      conns: CONNS,
      mb_1: MB_1,
      mb_per_conn: MB_PER_CONN,
      rtt_n: o.rtt.n,
      rounds: ROUNDS,
      idle_n: IDLE_N,
    };
    log(JSON.stringify(out));
  } catch (error) {
    if (!interrupted)
      for (const b of bridges) if (b.output()) console.error(`${b.name} output (last 4000 chars):\n${b.output()}`);
    throw error;
  }
}

let interrupted = false;
const role = process.argv[2];
if (role === "backend") runBackend();
else if (role === "bridge") runBridge(Number(process.argv[3]));
else if (role === "client") runClient();
else {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      interrupted = true;
      console.error(`\n${signal}: stopping the backend and the bridges …`);
      void stopAll().finally(() => process.exit(130));
    });
  }
  main()
    .then(
      () => 0,
      (error) => {
        if (interrupted) return 130;
        console.error(`✗ bench:console failed: ${(error as Error).message}`);
        if (process.env.BENCH_DEBUG) console.error(error);
        return 1;
      },
    )
    .then(async (code) => {
      if (interrupted) return; // the signal handler stops the children and exits
      await stopAll();
      process.exit(code);
    });
}
