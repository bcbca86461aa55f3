// The view-only VNC filter (src/server/console/rfb-input-filter.ts) follows the browser's RFB stream across any
// split or join of WebSocket frames: requests for pictures pass, every input message is dropped, an unknown
// message type ends the console.
import { describe, expect, it } from "vitest";
import { RfbInputFilter } from "@/server/console/rfb-input-filter";

const clientInit = (shared: number) => Buffer.from([shared]);
const setPixelFormat = () => Buffer.concat([Buffer.from([0, 0, 0, 0]), Buffer.alloc(16, 7)]);
const setEncodings = (...encodings: number[]) => {
  const b = Buffer.alloc(4 + 4 * encodings.length);
  b[0] = 2;
  b.writeUInt16BE(encodings.length, 2);
  for (const [i, e] of encodings.entries()) b.writeInt32BE(e, 4 + 4 * i);
  return b;
};
const updateRequest = () => Buffer.from([3, 1, 0, 0, 0, 0, 0, 64, 0, 48]);
const key = (keysym = 0x61, down = 1) => {
  const b = Buffer.alloc(8);
  b[0] = 4;
  b[1] = down;
  b.writeUInt32BE(keysym, 4);
  return b;
};
const pointer = () => Buffer.from([5, 1, 0, 10, 0, 20]);
const cutText = (text: string, extended = false) => {
  const body = Buffer.from(text);
  const b = Buffer.alloc(8);
  b[0] = 6;
  b.writeInt32BE(extended ? -body.length : body.length, 4);
  return Buffer.concat([b, body]);
};
const qemuKey = () => Buffer.from([255, 0, 0, 1, 0, 0, 0, 0x61, 0, 0, 0, 30]);
const qemuAudio = (op: number) =>
  op === 2 ? Buffer.from([255, 1, 0, 2, 3, 2, 0, 0, 0xac, 0x44]) : Buffer.from([255, 1, 0, op]);
const fence = (payload: number) =>
  Buffer.concat([Buffer.from([248, 0, 0, 0, 0, 0, 0, 1, payload]), Buffer.alloc(payload, 9)]);
const desktopSize = () => Buffer.concat([Buffer.from([251, 0, 4, 0, 3, 0, 1, 0]), Buffer.alloc(16, 1)]);
const xvp = () => Buffer.from([250, 0, 1, 2]);
const continuous = () => Buffer.from([150, 1, 0, 0, 0, 0, 1, 0, 1, 0]);

/** Runs the stream through a fresh filter in the given chunks; returns what was forwarded and the first refusal. */
function run(chunks: Buffer[]) {
  const f = new RfbInputFilter();
  const out: Buffer[] = [];
  let refuse: string | null = null;
  for (const c of chunks) {
    const r = f.push(c);
    out.push(r.forward);
    refuse ??= r.refuse;
  }
  return { forwarded: Buffer.concat(out), refuse };
}

/** Every way to cut `stream` into pieces: each single split point, and byte by byte. */
function splits(stream: Buffer): Buffer[][] {
  const ways: Buffer[][] = [[stream], [...stream].map((b) => Buffer.from([b]))];
  for (let i = 1; i < stream.length; i++) ways.push([stream.subarray(0, i), stream.subarray(i)]);
  return ways;
}

describe("RfbInputFilter (view-only VNC)", () => {
  const allowed = [
    clientInit(1),
    setPixelFormat(),
    setEncodings(7, 0, -223, -258),
    updateRequest(),
    continuous(),
    fence(5),
  ];
  const inputs = [
    key(),
    key(0x61, 0),
    pointer(),
    cutText("rm -rf /"),
    cutText("xx", true),
    qemuKey(),
    qemuAudio(0),
    qemuAudio(2),
    desktopSize(),
    xvp(),
  ];

  it("forwards the picture requests byte for byte and drops every input message, however the stream is cut", () => {
    // inputs between, behind and in front of allowed messages
    const stream = Buffer.concat([
      allowed[0]!,
      inputs[0]!,
      ...allowed.slice(1, 3),
      ...inputs.slice(1, 5),
      allowed[3]!,
      ...inputs.slice(5),
      ...allowed.slice(4),
      key(),
    ]);
    const expected = Buffer.concat(allowed);
    for (const chunks of splits(stream)) {
      const { forwarded, refuse } = run(chunks);
      expect(refuse).toBeNull();
      expect(forwarded.equals(expected)).toBe(true);
    }
  });

  it("drops a key event packed behind a FramebufferUpdateRequest in one frame, and one split across two frames", () => {
    expect(
      run([clientInit(1), Buffer.concat([updateRequest(), key()])]).forwarded.equals(
        Buffer.concat([clientInit(1), updateRequest()]),
      ),
    ).toBe(true);
    const k = key();
    expect(
      run([clientInit(1), Buffer.concat([updateRequest(), k.subarray(0, 3)]), k.subarray(3)]).forwarded.equals(
        Buffer.concat([clientInit(1), updateRequest()]),
      ),
    ).toBe(true);
  });

  it("drops input sent together with ClientInit (during the handshake) and makes ClientInit shared", () => {
    const { forwarded } = run([Buffer.concat([clientInit(0), key(), key(0x61, 0), pointer()])]);
    expect([...forwarded]).toEqual([1]);
  });

  it("skips a long cut text without holding it, even when its length claims more than arrives", () => {
    const f = new RfbInputFilter();
    f.push(clientInit(1));
    const header = Buffer.alloc(8);
    header[0] = 6;
    header.writeInt32BE(100_000_000, 4);
    expect(f.push(header).forward.length).toBe(0);
    for (let i = 0; i < 10; i++) expect(f.push(Buffer.alloc(64 * 1024, 3)).forward.length).toBe(0);
    expect(f.push(key()).forward.length).toBe(0); // still inside the cut text: dropped with it
  });

  it("ends the console at a message type it does not know, and forwards nothing behind it", () => {
    for (const unknown of [
      Buffer.from([7, 0, 0, 0]),
      Buffer.from([1]),
      Buffer.from([255, 9, 0, 0]),
      Buffer.from([0xfc, 0, 0, 0]),
    ]) {
      const { forwarded, refuse } = run([Buffer.concat([clientInit(1), updateRequest(), unknown, updateRequest()])]);
      expect(refuse).toMatch(/view-only console cannot send/);
      expect(forwarded.equals(Buffer.concat([clientInit(1), updateRequest()]))).toBe(true);
    }
    expect(run([clientInit(1), Buffer.from([248, 0, 0, 0, 0, 0, 0, 0, 200])]).refuse).toMatch(/fence/);
  });
});
