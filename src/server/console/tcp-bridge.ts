// The one WebSocket ↔ TCP bridge (websockify's job, in process): binary frames both ways, backpressure both
// ways (a slow browser pauses the TCP side; a slow backend pauses the WebSocket), TCP_NODELAY, and both sides
// closed on every error path. The handshake (VNC authentication, the SPICE link) runs before this; `leftover`
// carries what it read past its end.
//
// Two ways to move the display → browser bytes, the same on the wire:
// - native (Linux, native/wspump.c through native-pump.ts): a native thread splices the display socket's pages
//   into the browser's socket behind each frame header, without copying them through this process; the kernel
//   socket buffers are the backpressure. The browser → display direction, pings and closing stay here.
// - JavaScript: `data` events → ws.send, pausing the TCP socket above WS_HIGH_WATER.
// The native way is used when both ends are plain TCP sockets (not TLS) and the pump is built.
import type { Socket } from "node:net";
import { TLSSocket } from "node:tls";
import type { WebSocket } from "ws";
import { nativePump, PUMP_END } from "./native-pump";

/** Pause reading from TCP while this many bytes wait to go out on the WebSocket. */
const WS_HIGH_WATER = 1024 * 1024;
const WS_LOW_WATER = 256 * 1024;

export type BridgeStats = { bytesIn: number; bytesOut: number };

export type BridgeOptions = {
  /** Frames from the browser are dropped (view-only consoles); the handshake is still passed by `preface`. */
  dropClientInput?: () => boolean;
  /** Rewrites the browser's byte stream before it reaches the machine (view-only VNC: rfb-input-filter.ts). */
  filterInput?: (chunk: Buffer) => Buffer;
  onClose?: (reason: string, stats: BridgeStats) => void;
  /** Extra bytes already read from TCP during a handshake, sent to the browser first. */
  leftover?: Buffer;
  /** Force the JavaScript path (tests compare both). */
  javascriptOnly?: boolean;
  /** Bytes to send the machine when the browser (or the portal) ends the connection, before letting go. */
  lastWords?: () => Buffer | null;
};

/** How long a connection that was sent last words stays open for the machine to close it first. */
const LINGER_MS = 1_000;

/** Ends the machine side: at once, or (when the machine did not end it and there are last words) after them. */
function releaseTcp(tcp: Socket, options: BridgeOptions, machineEnded: boolean): void {
  const words = machineEnded || tcp.destroyed ? null : options.lastWords?.();
  if (!words) {
    tcp.destroy();
    return;
  }
  tcp.removeAllListeners("data");
  tcp.on("data", () => {}); // what the machine answers goes nowhere
  tcp.write(words);
  setTimeout(() => tcp.destroy(), LINGER_MS).unref();
}

const REASON = {
  machineClosed: "The machine closed the console.",
  machineFailed: "The connection to the machine failed.",
};

type Handle = { fd?: number; reading?: boolean; readStop?: () => number };
const handleOf = (socket: Socket | undefined) => (socket as unknown as { _handle?: Handle } | undefined)?._handle;
const fdOf = (socket: Socket | undefined) => {
  const fd = handleOf(socket)?.fd;
  return typeof fd === "number" && fd >= 0 ? fd : -1;
};

export function bridge(ws: WebSocket, tcp: Socket, options: BridgeOptions = {}): BridgeStats {
  const browser = (ws as unknown as { _socket?: Socket })._socket;
  const native = options.javascriptOnly ? null : nativePump();
  if (
    native &&
    browser &&
    !(browser instanceof TLSSocket) &&
    !(tcp instanceof TLSSocket) &&
    fdOf(browser) >= 0 &&
    fdOf(tcp) >= 0
  ) {
    return nativeBridge(ws, tcp, browser, native, options);
  }
  return javascriptBridge(ws, tcp, options);
}

/** Browser → display, the same for both ways: binary frames written to TCP, the WebSocket paused while TCP is full. */
function forwardInput(ws: WebSocket, tcp: Socket, stats: BridgeStats, options: BridgeOptions) {
  ws.on("message", (data, isBinary) => {
    if (options.dropClientInput?.()) return;
    const raw = Buffer.isBuffer(data)
      ? data
      : Array.isArray(data)
        ? Buffer.concat(data)
        : Buffer.from(data as ArrayBuffer);
    if (!isBinary && raw.length === 0) return;
    const chunk = options.filterInput ? options.filterInput(raw) : raw;
    if (chunk.length === 0) return;
    stats.bytesIn += chunk.length;
    if (!tcp.write(chunk)) {
      ws.pause();
      tcp.once("drain", () => ws.resume());
    }
  });
}

function javascriptBridge(ws: WebSocket, tcp: Socket, options: BridgeOptions): BridgeStats {
  const stats: BridgeStats = { bytesIn: 0, bytesOut: 0 };
  let closed = false;
  tcp.setNoDelay(true);
  const close = (reason: string, code = 1000, machineEnded = false) => {
    if (closed) return;
    closed = true;
    releaseTcp(tcp, options, machineEnded);
    if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(code, reason.slice(0, 120));
    options.onClose?.(reason, stats);
  };

  const toBrowser = (chunk: Buffer) => {
    stats.bytesOut += chunk.length;
    ws.send(chunk, { binary: true }, (error) => {
      if (error) return close("send failed", 1011);
      if (tcp.isPaused() && ws.bufferedAmount < WS_LOW_WATER) tcp.resume();
    });
    if (ws.bufferedAmount > WS_HIGH_WATER) tcp.pause();
  };
  if (options.leftover?.length) toBrowser(options.leftover);
  tcp.on("data", toBrowser);
  tcp.on("end", () => close(REASON.machineClosed, 1000, true));
  tcp.on("error", () => close(REASON.machineFailed, 1011, true));
  tcp.on("close", () => close(REASON.machineClosed, 1000, true));

  forwardInput(ws, tcp, stats, options);
  ws.on("close", () => close("closed by the browser"));
  ws.on("error", () => close("WebSocket error", 1011));
  return stats;
}

/** Takes the display socket away from Node's reader: what Node already read is returned, nothing more is read. */
function takeReader(tcp: Socket): Buffer[] {
  const handle = handleOf(tcp);
  const stopReading = () => {
    if (handle?.reading) {
      handle.reading = false;
      handle.readStop?.();
    }
  };
  tcp.removeAllListeners("data");
  tcp.pause();
  stopReading();
  const buffered: Buffer[] = [];
  for (let chunk = tcp.read() as Buffer | null; chunk !== null; chunk = tcp.read() as Buffer | null)
    buffered.push(chunk);
  stopReading(); // read() may have asked the handle for more
  return buffered;
}

type Pump = NonNullable<ReturnType<typeof nativePump>>;

function nativeBridge(ws: WebSocket, tcp: Socket, browser: Socket, native: Pump, options: BridgeOptions): BridgeStats {
  let sentHere = 0; // display bytes this side sent before the pump took over
  let id: number | null = null;
  let final = 0;
  let closed = false;
  const stats = { bytesIn: 0 } as BridgeStats;
  Object.defineProperty(stats, "bytesOut", {
    enumerable: true,
    get: () => sentHere + (id !== null ? native.pump.bytes(id) : final),
  });
  tcp.setNoDelay(true);

  const original = {
    close: ws.close.bind(ws),
    terminate: ws.terminate.bind(ws),
    ping: ws.ping.bind(ws),
    pong: ws.pong.bind(ws),
  };
  /** Stops the pump; true when no frame was left half-written (so a close frame may follow). */
  const stopPump = (): boolean => {
    if (id === null) return true;
    const [boundary, bytes] = native.pump.stop(id);
    native.forget(id);
    final = bytes;
    id = null;
    return boundary;
  };
  const close = (reason: string, code = 1000, browserGone = false, machineEnded = false) => {
    if (closed) return;
    closed = true;
    const boundary = stopPump();
    releaseTcp(tcp, options, machineEnded);
    if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) {
      if (boundary && !browserGone) original.close(code, reason.slice(0, 120));
      else original.terminate();
    }
    options.onClose?.(reason, stats);
  };
  // while the pump writes to the browser's socket, nothing else may: control frames go through the pump, and
  // closing stops it first (a close frame only at a frame boundary; otherwise the socket is dropped)
  const control = (opcode: number, data?: unknown) => {
    const payload = data === undefined ? Buffer.alloc(0) : Buffer.isBuffer(data) ? data : Buffer.from(String(data));
    if (payload.length > 125) return;
    if (id !== null) native.pump.control(id, Buffer.concat([Buffer.from([0x80 | opcode, payload.length]), payload]));
  };
  ws.ping = (data?: unknown) => (id === null ? original.ping(data as Buffer) : control(0x9, data));
  ws.pong = (data?: unknown) => (id === null ? original.pong(data as Buffer) : control(0xa, data));
  ws.close = (code?: number, reason?: string | Buffer) => {
    if (closed) return original.close(code, reason);
    close(typeof reason === "string" ? reason : "closed", code ?? 1000);
  };
  ws.terminate = () => {
    if (!closed) close("terminated", 1006, true);
    original.terminate();
  };

  const buffered = takeReader(tcp);
  if (options.leftover?.length) buffered.unshift(options.leftover);
  const start = () => {
    if (closed) return;
    try {
      id = native.pump.start(fdOf(tcp), fdOf(browser));
    } catch {
      return close(REASON.machineFailed, 1011);
    }
    native.onEnd(id, (reason) => {
      if (reason === PUMP_END.displayClosed) close(REASON.machineClosed, 1000, false, true);
      else if (reason === PUMP_END.displayFailed) close(REASON.machineFailed, 1011, false, true);
      else close("send failed", 1011, true);
    });
  };
  // what the handshake and Node already read goes out first; the pump starts once it is in the kernel
  const first = buffered.length ? Buffer.concat(buffered) : null;
  if (first) {
    sentHere += first.length;
    ws.send(first, { binary: true }, (error) => (error ? close("send failed", 1011, true) : start()));
  } else if (browser.writableLength > 0) browser.write(Buffer.alloc(0), () => start());
  else start();

  tcp.on("error", () => close(REASON.machineFailed, 1011, false, true));
  tcp.on("close", () => close(REASON.machineClosed, 1000, false, true));
  forwardInput(ws, tcp, stats, options);
  browser.once("close", () => close("closed by the browser", 1000, true));
  ws.on("close", () => close("closed by the browser", 1000, true));
  ws.on("error", () => close("WebSocket error", 1011, true));
  return stats;
}
