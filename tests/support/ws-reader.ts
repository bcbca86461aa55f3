// Reading a console WebSocket's binary frames as a byte stream (RFB, SPICE and terminal tests).
import type { WebSocket } from "ws";

/** Returns read(n): exactly n bytes from the socket's binary frames, or throws after timeoutMs. */
export function reader(ws: WebSocket, defaultTimeoutMs = 15_000) {
  let buf = Buffer.alloc(0);
  const waiters: (() => void)[] = [];
  ws.on("message", (d: Buffer) => {
    buf = Buffer.concat([buf, Buffer.from(d)]);
    for (const w of waiters.splice(0)) w();
  });
  return async (n: number, timeoutMs = defaultTimeoutMs): Promise<Buffer> => {
    const deadline = Date.now() + timeoutMs;
    while (buf.length < n) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${n} bytes (have ${buf.length})`);
      await new Promise<void>((r) => {
        waiters.push(r);
        setTimeout(r, 200);
      });
    }
    const out = buf.subarray(0, n);
    buf = buf.subarray(n);
    return Buffer.from(out);
  };
}
