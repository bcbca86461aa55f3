// The console bridge (src/server/console/tcp-bridge.ts) on real loopback sockets, both ways it can run: the
// native splice pump (native/wspump.c) and JavaScript. Bytes arrive intact and in order behind the handshake's
// leftover, a slow browser bounds what is buffered, pings and closes never land inside a data frame, and every
// way of ending closes the other side (the pump holds duplicated descriptors, so a missed stop would leak).
import { createHash, randomBytes } from "node:crypto";
import { readdirSync } from "node:fs";
import { type AddressInfo, connect, createServer, type Server, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocket, WebSocketServer } from "ws";
import { nativePumpStatus } from "@/server/console/native-pump";
import { type BridgeStats, bridge } from "@/server/console/tcp-bridge";

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(what: string, check: () => boolean, ms = 5_000) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

type Backend = { server: Server; port: number; sockets: Socket[]; closed: number; written: number; received: Buffer[] };
type Rig = {
  backend: Backend;
  wss: WebSocketServer;
  client: WebSocket;
  server: { ws: WebSocket; stats: BridgeStats; closeReason: string | null };
};
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/** mode "send": writes `payload` then ends; "flood": writes until told to stop, counting what the kernel took. */
async function startBackend(mode: { send?: Buffer; flood?: boolean }): Promise<Backend> {
  const backend: Backend = { server: createServer(), port: 0, sockets: [], closed: 0, written: 0, received: [] };
  const chunk = randomBytes(64 * 1024);
  backend.server.on("connection", (sock) => {
    backend.sockets.push(sock);
    sock.on("data", (d: Buffer) => backend.received.push(d));
    sock.on("error", () => {});
    sock.on("close", () => backend.closed++);
    if (mode.send) sock.end(mode.send);
    if (mode.flood) {
      const pump = () => {
        while (!sock.destroyed && sock.writable) {
          backend.written += chunk.length;
          if (!sock.write(chunk)) return;
        }
      };
      sock.on("drain", pump);
      pump();
    }
  });
  await new Promise<void>((r) => backend.server.listen(0, "127.0.0.1", r));
  backend.port = (backend.server.address() as AddressInfo).port;
  cleanups.push(() => {
    for (const s of backend.sockets) s.destroy();
    backend.server.close();
  });
  return backend;
}

async function rig(mode: "native" | "javascript", backend: Backend, leftover?: Buffer): Promise<Rig> {
  const wss = new WebSocketServer({ host: "127.0.0.1", port: 0, perMessageDeflate: false, maxPayload: 1024 * 1024 });
  await new Promise<void>((r) => wss.once("listening", r));
  const server = new Promise<Rig["server"]>((resolve) => {
    wss.on("connection", (ws) => {
      const tcp = connect({ host: "127.0.0.1", port: backend.port });
      tcp.once("connect", () => {
        const side: Rig["server"] = { ws, stats: { bytesIn: 0, bytesOut: 0 }, closeReason: null };
        side.stats = bridge(ws, tcp, {
          leftover,
          javascriptOnly: mode === "javascript",
          onClose: (reason) => (side.closeReason = reason),
        });
        resolve(side);
      });
    });
  });
  const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}/`, {
    perMessageDeflate: false,
    maxPayload: 0,
  });
  client.on("error", () => {});
  cleanups.push(() => {
    client.terminate();
    for (const ws of wss.clients) ws.terminate();
    wss.close();
  });
  return { backend, wss, client, server: await server };
}

const opened = (client: WebSocket) =>
  client.readyState === WebSocket.OPEN ? Promise.resolve() : new Promise((res) => client.once("open", res));

function collect(client: WebSocket) {
  const state = {
    chunks: [] as Buffer[],
    bytes: 0,
    text: 0,
    errors: [] as string[],
    pings: 0,
    close: null as null | { code: number; reason: string },
  };
  client.on("message", (data: Buffer, isBinary) => {
    if (!isBinary) state.text++;
    state.chunks.push(data);
    state.bytes += data.length;
  });
  client.on("ping", () => state.pings++);
  client.on("error", (e) => state.errors.push(e.message));
  client.on("close", (code, reason) => (state.close = { code, reason: reason.toString() }));
  return state;
}

describe("console bridge", () => {
  it("runs the native splice pump on Linux (built by npm install)", () => {
    const status = nativePumpStatus();
    if (process.platform === "linux") expect(status, status.reason).toMatchObject({ native: true });
    else expect(status.native).toBe(false);
  });

  for (const mode of ["native", "javascript"] as const) {
    describe(mode, () => {
      it("moves the bytes intact both ways, the handshake's leftover first, then closes with the machine", async () => {
        const payload = randomBytes(6 * 1024 * 1024 + 123);
        const backend = await startBackend({ send: payload });
        const leftover = Buffer.from("leftover from the handshake");
        const r = await rig(mode, backend, leftover);
        const got = collect(r.client);
        await opened(r.client);
        const up = randomBytes(300_000);
        for (let i = 0; i < up.length; i += 30_000) r.client.send(up.subarray(i, i + 30_000));
        await until("the close", () => got.close !== null, 15_000);
        expect(got.errors).toEqual([]);
        expect(got.text).toBe(0);
        const all = Buffer.concat(got.chunks);
        expect(all.length).toBe(leftover.length + payload.length);
        expect(sha(all)).toBe(sha(Buffer.concat([leftover, payload])));
        expect(got.close).toEqual({ code: 1000, reason: "The machine closed the console." });
        expect(r.server.stats.bytesOut).toBe(leftover.length + payload.length);
        // what the browser sent before the machine closed reached it, in order
        const received = Buffer.concat(backend.received);
        expect(up.subarray(0, received.length).equals(received)).toBe(true);
        expect(r.server.stats.bytesIn).toBe(up.length);
      });

      it("a browser that stops reading holds the machine back instead of filling memory", async () => {
        const backend = await startBackend({ flood: true });
        const r = await rig(mode, backend);
        const got = collect(r.client);
        await opened(r.client);
        await until("some data", () => got.bytes > 1_000_000);
        (r.client as unknown as { _socket: Socket })._socket.pause();
        await sleep(700);
        const held = backend.written;
        await sleep(700);
        // kernel buffers on three sockets plus (JavaScript) ≤ 1 MiB queued in ws: bounded, and no longer growing
        expect(backend.written - held).toBeLessThan(2 * 1024 * 1024);
        expect(backend.written - got.bytes).toBeLessThan(64 * 1024 * 1024);
        (r.client as unknown as { _socket: Socket })._socket.resume();
        const before = got.bytes;
        await until("data to flow again", () => got.bytes > before + 20_000_000, 10_000);
        expect(got.errors).toEqual([]);
      });

      it("pings and a close from the portal land between frames, and the machine's socket closes", async () => {
        const backend = await startBackend({ flood: true });
        const r = await rig(mode, backend);
        const got = collect(r.client);
        await opened(r.client);
        for (let i = 0; i < 20; i++) {
          r.server.ws.ping();
          await sleep(15);
        }
        await until("the pings", () => got.pings > 0);
        expect(got.errors).toEqual([]);
        r.server.ws.close(1000, "Disconnected by an administrator.");
        await until("the close", () => got.close !== null);
        // a close frame when the pump stopped between frames, else the socket is dropped (1006); never a broken frame
        expect([1000, 1006]).toContain(got.close?.code);
        if (got.close?.code === 1000) expect(got.close.reason).toBe("Disconnected by an administrator.");
        expect(got.errors).toEqual([]);
        await until("the machine's socket to close", () => backend.closed === 1);
      });

      /** A flood the browser leaves after 100 kB; resolves once the machine's socket closed. */
      async function browserLeaves(): Promise<Rig> {
        const backend = await startBackend({ flood: true });
        const r = await rig(mode, backend);
        const got = collect(r.client);
        await opened(r.client);
        await until("some data", () => got.bytes > 100_000);
        r.client.terminate();
        await until("the machine's socket to close", () => backend.closed === 1);
        return r;
      }

      it("a browser that goes away closes the machine's socket", async () => {
        const r = await browserLeaves();
        await until("the bridge to report", () => r.server.closeReason !== null);
        expect(r.server.stats.bytesOut).toBeGreaterThan(100_000);
      });

      it("leaves no descriptor behind (the pump's duplicates and pipes close with the connection)", async () => {
        const fds = () => readdirSync("/proc/self/fd").length;
        const before = fds();
        for (let i = 0; i < 5; i++) {
          await browserLeaves();
          for (const c of cleanups.splice(0)) c();
        }
        await until("descriptors to be released", () => fds() <= before, 5_000);
      });
    });
  }
});
