// The one WebSocket ↔ TCP bridge (websockify's job, in process): binary frames both ways, backpressure both
// ways (a slow browser pauses the TCP side; a slow backend pauses the WebSocket), TCP_NODELAY, and both sides
// closed on every error path. `preface` lets a protocol step (the VNC handshake) run before plain piping.
import type { Socket } from "node:net";
import type { WebSocket } from "ws";

/** Pause reading from TCP while this many bytes wait to go out on the WebSocket. */
const WS_HIGH_WATER = 1024 * 1024;
const WS_LOW_WATER = 256 * 1024;

export type BridgeStats = { bytesIn: number; bytesOut: number };

export type BridgeOptions = {
  /** Frames from the browser are dropped (view-only consoles); the handshake is still passed by `preface`. */
  dropClientInput?: () => boolean;
  onClose?: (reason: string, stats: BridgeStats) => void;
  /** Extra bytes already read from TCP during a handshake, sent to the browser first. */
  leftover?: Buffer;
};

export function bridge(ws: WebSocket, tcp: Socket, options: BridgeOptions = {}): BridgeStats {
  const stats: BridgeStats = { bytesIn: 0, bytesOut: 0 };
  let closed = false;
  tcp.setNoDelay(true);
  const close = (reason: string, code = 1000) => {
    if (closed) return;
    closed = true;
    tcp.destroy();
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
  tcp.on("end", () => close("The machine closed the console."));
  tcp.on("error", () => close("The connection to the machine failed.", 1011));
  tcp.on("close", () => close("The machine closed the console."));

  ws.on("message", (data, isBinary) => {
    if (options.dropClientInput?.()) return;
    const chunk = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
    if (!isBinary && chunk.length === 0) return;
    stats.bytesIn += chunk.length;
    if (!tcp.write(chunk)) {
      ws.pause();
      tcp.once("drain", () => ws.resume());
    }
  });
  ws.on("close", () => close("closed by the browser"));
  ws.on("error", () => close("WebSocket error", 1011));
  return stats;
}
