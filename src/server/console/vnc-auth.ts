// The bridge answers VNC authentication itself: it does the RFB 3.8 handshake with the machine's display
// using the per-start password (DES challenge–response), then offers the browser "no authentication". The
// password never reaches the page. DES comes from noVNC's own implementation (node's OpenSSL 3 has no DES).
import { createRequire } from "node:module";
import type { Socket } from "node:net";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import type { WebSocket } from "ws";

type Des = { importKey(key: number[]): { encrypt(alg: unknown, data: Uint8Array): Uint8Array } };
let desPromise: Promise<Des> | null = null;

function loadDes(): Promise<Des> {
  desPromise ??= (async () => {
    const rfb = createRequire(import.meta.url).resolve("@novnc/novnc");
    const file = join(dirname(rfb), "crypto", "des.js");
    const mod = (await import(/* webpackIgnore: true */ pathToFileURL(file).href)) as { DESECBCipher: Des };
    return mod.DESECBCipher;
  })();
  return desPromise;
}

/** VNC's DES response to a 16-byte challenge. */
export async function vncResponse(password: string, challenge: Uint8Array): Promise<Buffer> {
  const Des = await loadDes();
  const key = Array.from(password.slice(0, 8).padEnd(8, "\0"), (c) => c.charCodeAt(0));
  return Buffer.from(Des.importKey(key).encrypt(null, new Uint8Array(challenge)));
}

/** Reads exact byte counts from a stream of chunks (a TCP socket or WebSocket messages). */
export class ByteReader {
  private buffer = Buffer.alloc(0);
  private waiting: { n: number; resolve: (b: Buffer) => void; reject: (e: Error) => void } | null = null;
  private failed: Error | null = null;

  push(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    this.flush();
  }

  fail(error: Error): void {
    this.failed = error;
    this.waiting?.reject(error);
    this.waiting = null;
  }

  private flush() {
    if (this.waiting && this.buffer.length >= this.waiting.n) {
      const out = this.buffer.subarray(0, this.waiting.n);
      this.buffer = this.buffer.subarray(this.waiting.n);
      const w = this.waiting;
      this.waiting = null;
      w.resolve(Buffer.from(out));
    }
  }

  read(n: number, timeoutMs = 10_000): Promise<Buffer> {
    if (this.failed) return Promise.reject(this.failed);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting = null;
        reject(new Error("The display did not answer in time."));
      }, timeoutMs);
      this.waiting = {
        n,
        resolve: (b) => {
          clearTimeout(timer);
          resolve(b);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.flush();
    });
  }

  /** What was read beyond the handshake. */
  rest(): Buffer {
    const out = this.buffer;
    this.buffer = Buffer.alloc(0);
    return out;
  }
}

export class VncHandshakeError extends Error {}

async function readReason(r: ByteReader): Promise<string> {
  const len = (await r.read(4)).readUInt32BE(0);
  return (await r.read(Math.min(len, 4096))).toString("utf8");
}

/** Authenticates to the machine's display. Returns bytes read beyond the handshake (normally none). */
export async function authenticateToDisplay(tcp: Socket, password: string | null): Promise<{ leftover: Buffer }> {
  const r = new ByteReader();
  const onData = (c: Buffer) => r.push(c);
  const onEnd = () => r.fail(new VncHandshakeError("The display closed the connection during the handshake."));
  tcp.on("data", onData);
  tcp.on("end", onEnd);
  tcp.on("error", onEnd);
  try {
    const version = (await r.read(12)).toString("latin1");
    if (!/^RFB 003\.\d{3}\n$/.test(version)) throw new VncHandshakeError("The backend is not a VNC display.");
    tcp.write("RFB 003.008\n");
    const count = (await r.read(1))[0] as number;
    if (count === 0) throw new VncHandshakeError(`The display refused the connection: ${await readReason(r)}`);
    const types = [...(await r.read(count))];
    if (types.includes(2) && password) {
      tcp.write(Buffer.from([2]));
      const challenge = await r.read(16);
      tcp.write(await vncResponse(password, challenge));
    } else if (types.includes(1)) {
      tcp.write(Buffer.from([1]));
    } else {
      throw new VncHandshakeError(
        `The display asks for an authentication the portal does not support (${types.join(", ")}).`,
      );
    }
    const result = (await r.read(4)).readUInt32BE(0);
    if (result !== 0)
      throw new VncHandshakeError(
        `The display refused the portal's password: ${await readReason(r).catch(() => "no reason")}`,
      );
    return { leftover: r.rest() };
  } finally {
    tcp.off("data", onData);
    tcp.off("end", onEnd);
    tcp.off("error", onEnd);
  }
}

/** Offers the browser RFB 3.8 with "None" security. Returns bytes the browser sent beyond the handshake. */
export async function greetBrowser(ws: WebSocket): Promise<{ leftover: Buffer }> {
  const r = new ByteReader();
  const onMessage = (data: Buffer | ArrayBuffer | Buffer[]) =>
    r.push(Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data));
  const onClose = () => r.fail(new VncHandshakeError("The browser left during the handshake."));
  ws.on("message", onMessage);
  ws.on("close", onClose);
  try {
    ws.send(Buffer.from("RFB 003.008\n", "latin1"));
    const version = (await r.read(12, 30_000)).toString("latin1");
    if (!/^RFB 003\.00[378]\n$/.test(version)) throw new VncHandshakeError("The browser did not speak RFB.");
    ws.send(Buffer.from([1, 1]));
    const choice = (await r.read(1, 30_000))[0];
    if (choice !== 1) throw new VncHandshakeError("The browser chose an unknown security type.");
    ws.send(Buffer.from([0, 0, 0, 0]));
    return { leftover: r.rest() };
  } finally {
    ws.off("message", onMessage);
    ws.off("close", onClose);
  }
}
