// View-only VNC against a real libvirt guest's QEMU VNC display: key events sent in every shape — alone, packed
// behind a FramebufferUpdateRequest in one WebSocket message, split across two messages, sent during the
// handshake together with ClientInit — never reach the display. Two observables: the guest's screen (its tty1 is a
// busybox shell, so typed letters appear; `virsh screenshot` before and after) and the console session's byte
// counter of what the bridge wrote to QEMU's VNC socket. With a full-access console the same stream reaches QEMU
// whole and the letters appear on the screen (so both checks can fail); with a view-only console only ClientInit
// and the update requests reach QEMU and the screen stays as it was. The display keeps answering update requests
// in both, and an unknown message type ends a view-only console.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inflateSync } from "node:zlib";
import { beforeAll, describe, expect, inject, it } from "vitest";
import WebSocket from "ws";
import { requireAssets } from "../support/assets";
import type { PortalClient } from "../support/client";
import { createVmTemplate, ensureHosts, virsh, waitFor, waitForJob, waitForState } from "../support/machines";
import { signedInAdmin, testDb } from "../support/users";
import { reader } from "../support/ws-reader";

const key = (keysym: number, down: boolean) => {
  const b = Buffer.alloc(8);
  b[0] = 4;
  b[1] = down ? 1 : 0;
  b.writeUInt32BE(keysym, 4);
  return b;
};
const press = (keysym: number) => Buffer.concat([key(keysym, true), key(keysym, false)]);
const updateRequest = (incremental: number) => Buffer.from([3, incremental, 0, 0, 0, 0, 0, 64, 0, 48]);
/** QEMU extended key event: 'b' (scancode 48) down, then up. */
const qemuKey = () => Buffer.concat([1, 0].map((down) => Buffer.from([255, 0, 0, down, 0, 0, 0, 0x62, 0, 0, 0, 48])));
/** Wide letters, so what is typed changes many more pixels than the blinking cursor. */
const typing = () => Buffer.concat(Array.from({ length: 8 }, () => press(0x6d)));

/** Raw pixels of a PNG (8-bit, non-interlaced, as QEMU's screendump writes it): inflate the IDAT data and undo each row's filter. */
function pngPixels(png: Buffer): Buffer {
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  const bpp = ({ 0: 1, 2: 3, 4: 2, 6: 4 } as Record<number, number>)[png[25] as number] ?? 3;
  const idat: Buffer[] = [];
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    if (png.toString("latin1", at + 4, at + 8) === "IDAT") idat.push(png.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * bpp;
  const out = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)] as number;
    for (let x = 0; x < stride; x++) {
      const v = raw[y * (stride + 1) + 1 + x] as number;
      const left = x >= bpp ? (out[y * stride + x - bpp] as number) : 0;
      const up = y > 0 ? (out[(y - 1) * stride + x] as number) : 0;
      const upLeft = x >= bpp && y > 0 ? (out[(y - 1) * stride + x - bpp] as number) : 0;
      const p = left + up - upLeft;
      const [pa, pb, pc] = [Math.abs(p - left), Math.abs(p - up), Math.abs(p - upLeft)];
      const paeth = pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft;
      const predictor = [0, left, up, (left + up) >> 1, paeth][filter] ?? 0;
      out[y * stride + x] = (v + predictor) & 0xff;
    }
  }
  return out;
}

/** The guest's screen as raw pixels (`virsh screenshot` writes a PNG). */
async function screenshot(domain: string): Promise<Buffer> {
  const dir = mkdtempSync(join(tmpdir(), "lp-shot-"));
  try {
    virsh("screenshot", domain, join(dir, "s.png"));
    return pngPixels(readFileSync(join(dir, "s.png")));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Pixel bytes that differ between two screenshots (a size change counts as everything). */
function difference(a: Buffer, b: Buffer): number {
  if (a.length !== b.length) return Math.max(a.length, b.length);
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
  return n;
}

/** The blinking cursor alone changes at most one character cell (9 × 16 pixels × 3 bytes). */
const CURSOR = 9 * 16 * 3;
/** Nine letters typed change more than twice that (eight m's and a b: about 1,100 bytes of pixels). */
const TYPED = 2 * CURSOR;

/** Waits until the screen stops changing (beyond the cursor) for three looks in a row and returns it. */
async function settledScreen(domain: string): Promise<Buffer> {
  let last = await screenshot(domain);
  let still = 0;
  for (let i = 0; i < 60 && still < 3; i++) {
    await new Promise((r) => setTimeout(r, 700));
    const next = await screenshot(domain);
    still = difference(last, next) <= CURSOR ? still + 1 : 0;
    last = next;
  }
  return last;
}

/** Waits (the guest is emulated and slow) until the screen differs from `before` by more than `bytes`. */
async function screenChanged(domain: string, before: Buffer, bytes: number, timeoutMs = 30_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let changed = 0;
  while (Date.now() < deadline) {
    changed = difference(before, await screenshot(domain));
    if (changed > bytes) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  return changed;
}

describe("view-only VNC consoles type nothing into a real guest", () => {
  let admin: PortalClient;
  let vm: string;

  beforeAll(async () => {
    await requireAssets("libvirt");
    admin = await signedInAdmin();
    await ensureHosts(admin);
    const template = await createVmTemplate(admin);
    const created = await admin.json<{ job: { id: string }; machines: { id: string }[] }>("/api/machines", {
      method: "POST",
      json: { templateId: template, name: "view-only vm" },
    });
    await waitForJob(admin, created.body.job.id);
    vm = created.body.machines[0]?.id as string;
    await admin.json(`/api/machines/${vm}/start`, { method: "POST", json: {} });
    await waitForState(admin, vm, "RUNNING");
    // the guest's shell on tty1 is up once letters typed with full access appear on its screen
    await waitFor(
      "the guest's shell to echo typed letters",
      async () => {
        const before = await settledScreen(`lp-${vm}`);
        await session(false, [typing()], false);
        return screenChanged(`lp-${vm}`, before, TYPED, 10_000);
      },
      (changed) => changed > TYPED,
      180_000,
    );
  }, 420_000);

  /**
   * One console: the handshake (with key presses sent along with it when `duringHandshake`), then `messages`,
   * one WebSocket message each, then a full update request whose answer proves the console still works.
   * Returns the bytes the bridge wrote to QEMU (the session's counter) and how the socket closed.
   */
  async function session(viewOnly: boolean, messages: Buffer[], duringHandshake: boolean) {
    const t = await admin.json<{ url: string }>(`/api/machines/${vm}/console`, {
      method: "POST",
      json: { kind: "vnc", viewOnly },
    });
    expect(t.status).toBe(201);
    const ws = new WebSocket(`${inject("portalUrl").replace(/^http/, "ws")}${t.body.url}`, {
      headers: { cookie: admin.cookieHeader(), "x-forwarded-for": admin.ip, origin: inject("portalUrl") },
    });
    const read = reader(ws, 20_000);
    const closed = new Promise<number>((r) => ws.on("close", (code) => r(code)));
    expect((await read(12)).toString("latin1")).toBe("RFB 003.008\n");
    const version = Buffer.from("RFB 003.008\n", "latin1");
    // ClientInit with shared = 0: a watcher must not be able to ask the display to drop everyone else
    const afterHandshake = Buffer.concat([Buffer.from([0]), ...(duringHandshake ? [typing(), qemuKey()] : [])]);
    if (duringHandshake) ws.send(Buffer.concat([version, Buffer.from([1]), afterHandshake]));
    else ws.send(version);
    expect([...(await read(2))]).toEqual([1, 1]);
    if (!duringHandshake) ws.send(Buffer.from([1]));
    expect([...(await read(4))]).toEqual([0, 0, 0, 0]);
    if (!duringHandshake) ws.send(afterHandshake);
    const init = await read(24);
    await read(init.readUInt32BE(20));
    for (const m of messages) {
      ws.send(m);
      await new Promise((r) => setTimeout(r, 50));
    }
    ws.send(updateRequest(0));
    expect((await read(4))[0]).toBe(0); // a FramebufferUpdate: the display still answers
    ws.close();
    const code = await closed;
    const row = await waitFor(
      "the console session to close",
      () => testDb().consoleSession.findFirst({ where: { machineId: vm, kind: "vnc" }, orderBy: { openedAt: "desc" } }),
      (s) => Boolean(s?.closedAt),
      10_000,
    );
    return {
      bytesIn: Number(row?.bytesIn),
      code,
      sent: afterHandshake.length + messages.reduce((n, m) => n + m.length, 0) + 10,
    };
  }

  const t = typing();
  const shapes: { name: string; messages: Buffer[]; duringHandshake: boolean; updateRequests: number }[] = [
    {
      name: "alone",
      messages: [...Array.from({ length: t.length / 8 }, (_, i) => t.subarray(8 * i, 8 * i + 8)), qemuKey()],
      duringHandshake: false,
      updateRequests: 0,
    },
    {
      name: "packed behind a FramebufferUpdateRequest in one message",
      messages: [Buffer.concat([updateRequest(1), t, updateRequest(1), qemuKey()])],
      duringHandshake: false,
      updateRequests: 2,
    },
    {
      name: "split across two messages",
      messages: [Buffer.concat([updateRequest(1), t.subarray(0, 5)]), Buffer.concat([t.subarray(5), updateRequest(1)])],
      duringHandshake: false,
      updateRequests: 2,
    },
    { name: "sent during the handshake", messages: [], duringHandshake: true, updateRequests: 0 },
  ];

  for (const shape of shapes) {
    it(`key events ${shape.name}: type into the guest with full access, never with view-only`, async () => {
      const domain = `lp-${vm}`;
      let before = await settledScreen(domain);
      const full = await session(false, shape.messages, shape.duringHandshake);
      expect(full.bytesIn).toBe(full.sent); // the same stream with full access reaches the display whole
      expect(await screenChanged(domain, before, TYPED)).toBeGreaterThan(TYPED); // and the letters appear

      before = await settledScreen(domain);
      const watch = await session(true, shape.messages, shape.duringHandshake);
      // view-only: ClientInit and the update requests (the shape's and the final one), nothing else
      expect(watch.bytesIn).toBe(1 + 10 * shape.updateRequests + 10);
      await new Promise((r) => setTimeout(r, 1_500));
      expect(difference(before, await settledScreen(domain))).toBeLessThanOrEqual(CURSOR);
    }, 120_000);
  }

  it("ends a view-only console at an RFB message type it does not know", async () => {
    const t = await admin.json<{ url: string }>(`/api/machines/${vm}/console`, {
      method: "POST",
      json: { kind: "vnc", viewOnly: true },
    });
    const ws = new WebSocket(`${inject("portalUrl").replace(/^http/, "ws")}${t.body.url}`, {
      headers: { cookie: admin.cookieHeader(), "x-forwarded-for": admin.ip, origin: inject("portalUrl") },
    });
    const read = reader(ws, 20_000);
    const closed = new Promise<{ code: number; reason: string }>((r) =>
      ws.on("close", (code, reason) => r({ code, reason: reason.toString() })),
    );
    await read(12);
    ws.send(Buffer.concat([Buffer.from("RFB 003.008\n", "latin1"), Buffer.from([1, 1])]));
    await read(6);
    const init = await read(24);
    await read(init.readUInt32BE(20));
    ws.send(Buffer.concat([Buffer.from([7, 0, 0, 0]), key(0x61, true)]));
    const result = await closed;
    expect(result.code).toBe(1008);
    expect(result.reason).toMatch(/view-only console cannot send/);
  }, 30_000);
});
