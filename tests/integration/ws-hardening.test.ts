// WebSocket and header hardening against the real portal process of the run (tests/support/global-setup.ts):
// - a bounded fuzz of malformed frames over raw TCP to every path in WS_ROUTES (the console path with a real
//   ticket for a real running container), after which the process still answers /api/health, has not exited
//   and printed no uncaught exception;
// - slowloris: a request or an upgrade whose headers trickle in is closed within seconds.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { WS_ROUTES } from "../../src/server/console/upgrade";
import { requireAssets } from "../support/assets";
import type { PortalClient } from "../support/client";
import { createContainerTemplate, ensureHosts, waitForJob, waitForState } from "../support/machines";
import { signedInAdmin } from "../support/users";

const portal = () => new URL(inject("portalUrl"));

/** A client frame: masked unless told otherwise, with the given first byte and a length field of any size. */
function frame(first: number, payload: Buffer, options: { mask?: boolean; claimedLength?: bigint } = {}): Buffer {
  const mask = options.mask ?? true;
  const length = options.claimedLength ?? BigInt(payload.length);
  let header: Buffer;
  if (length < 126n) header = Buffer.from([first, (mask ? 0x80 : 0) | Number(length)]);
  else if (length < 65536n) {
    header = Buffer.alloc(4);
    header[0] = first;
    header[1] = (mask ? 0x80 : 0) | 126;
    header.writeUInt16BE(Number(length), 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = first;
    header[1] = (mask ? 0x80 : 0) | 127;
    header.writeBigUInt64BE(length, 2);
  }
  if (!mask) return Buffer.concat([header, payload]);
  const key = randomBytes(4);
  const masked = Buffer.from(payload.map((b, i) => b ^ (key[i % 4] as number)));
  return Buffer.concat([header, key, masked]);
}

/** What is written after the handshake (or, with `before`, instead of a clean request). */
type Case = { name: string; before?: Buffer; after?: Buffer[] };
const closeWith = (code: number, reason: Buffer) => {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(code);
  return Buffer.concat([b, reason]);
};
const CASES: Case[] = [
  { name: "reserved opcode 0x3", after: [frame(0x83, Buffer.from("hi"))] },
  { name: "reserved control opcode 0xB", after: [frame(0x8b, Buffer.from("hi"))] },
  { name: "RSV1 set without an extension", after: [frame(0xc2, Buffer.from("hi"))] },
  { name: "RSV2+RSV3 set", after: [frame(0xb2, Buffer.from("hi"))] },
  { name: "unmasked client frame", after: [frame(0x82, Buffer.from("hi"), { mask: false })] },
  { name: "length beyond 2^53", after: [frame(0x82, Buffer.alloc(0), { claimedLength: (1n << 63n) - 1n })] },
  { name: "length beyond maxPayload", after: [frame(0x82, Buffer.alloc(16), { claimedLength: 64n * 1024n * 1024n })] },
  { name: "invalid UTF-8 in a text frame", after: [frame(0x81, Buffer.from([0xc3, 0x28, 0xff, 0xfe]))] },
  {
    name: "invalid UTF-8 split over a fragmented text message",
    after: [frame(0x01, Buffer.from([0xe2, 0x82])), frame(0x80, Buffer.from([0x28]))],
  },
  { name: "truncated frame, then the socket ends", after: [frame(0x82, Buffer.alloc(200)).subarray(0, 20)] },
  { name: "fragmented control frame", after: [frame(0x09, Buffer.from("ping"))] },
  { name: "control frame over 125 bytes", after: [frame(0x89, Buffer.alloc(200))] },
  { name: "continuation without a start", after: [frame(0x80, Buffer.from("lost"))] },
  {
    name: "new data frame inside a fragmented message",
    after: [frame(0x02, Buffer.from("a")), frame(0x82, Buffer.from("b"))],
  },
  { name: "close frame with a 1-byte payload", after: [frame(0x88, Buffer.from([3]))] },
  { name: "close frame with an invalid code", after: [frame(0x88, closeWith(999, Buffer.alloc(0)))] },
  {
    name: "close frame with an invalid UTF-8 reason",
    after: [frame(0x88, closeWith(1000, Buffer.from([0xff, 0xfe])))],
  },
  { name: "garbage bytes after the handshake", after: [randomBytes(512), randomBytes(64)] },
  { name: "garbage bytes before the handshake", before: randomBytes(300) },
  { name: "garbage after a valid frame", after: [Buffer.concat([frame(0x82, Buffer.from("ok")), randomBytes(200)])] },
];

function upgradeRequest(path: string, client: PortalClient): Buffer {
  const u = portal();
  return Buffer.from(
    [
      `GET ${path} HTTP/1.1`,
      `Host: ${u.host}`,
      "Upgrade: websocket",
      "Connection: Upgrade",
      `Sec-WebSocket-Key: ${randomBytes(16).toString("base64")}`,
      "Sec-WebSocket-Version: 13",
      `Origin: ${u.origin}`,
      `Cookie: ${client.cookieHeader()}`,
      `X-Forwarded-For: ${client.ip}`,
      "",
      "",
    ].join("\r\n"),
  );
}

/** Runs one case on a raw socket; resolves with the response's status line once the portal closed it (or after 3 s). */
function runCase(path: string, client: PortalClient, c: Case): Promise<string> {
  return new Promise((resolve) => {
    const socket: Socket = connect({ host: "127.0.0.1", port: Number(portal().port) });
    let received = Buffer.alloc(0);
    let sent = false;
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(received.subarray(0, received.indexOf("\r\n") > 0 ? received.indexOf("\r\n") : 40).toString("latin1"));
    };
    const timer = setTimeout(done, 3_000);
    socket.on("error", () => {});
    socket.on("close", done);
    socket.on("connect", () => {
      if (c.before) socket.write(Buffer.concat([c.before, upgradeRequest(path, client)]));
      else socket.write(upgradeRequest(path, client));
    });
    socket.on("data", (d: Buffer) => {
      received = Buffer.concat([received, d]);
      if (!sent && c.after && received.includes("\r\n\r\n")) {
        sent = true;
        for (const chunk of c.after) socket.write(chunk);
        if (c.name.startsWith("truncated")) setTimeout(() => socket.end(), 200);
      }
    });
  });
}

async function expectHealthy() {
  const res = await fetch(`${inject("portalUrl")}/api/health`);
  expect(res.status).toBe(200);
  expect(() => process.kill(inject("portalPid"), 0)).not.toThrow();
  const output = readFileSync(inject("portalOutputFile"), "utf8");
  expect(output).not.toMatch(/uncaughtException|Uncaught/);
}

describe("WebSocket fuzz: malformed frames on every WS path", () => {
  let admin: PortalClient;
  let container: string;

  beforeAll(async () => {
    await requireAssets("docker");
    admin = await signedInAdmin();
    await ensureHosts(admin);
    const template = await createContainerTemplate(admin);
    const created = await admin.json<{ job: { id: string }; machines: { id: string }[] }>("/api/machines", {
      method: "POST",
      json: { templateId: template, name: "fuzz ct" },
    });
    await waitForJob(admin, created.body.job.id);
    container = created.body.machines[0]?.id as string;
    await admin.json(`/api/machines/${container}/start`, { method: "POST", json: {} });
    await waitForState(admin, container, "RUNNING");
  }, 180_000);

  /** A path for the route that gets past its checks: the console path with a fresh real ticket. */
  async function pathFor(route: (typeof WS_ROUTES)[number]): Promise<string> {
    if (route.path === "/ws/machines/{id}/console") {
      const t = await admin.json<{ url: string }>(`/api/machines/${container}/console`, {
        method: "POST",
        json: { kind: "exec" },
      });
      expect(t.status).toBe(201);
      return t.body.url;
    }
    return route.path.replace(/\{\w+\}/g, "fuzz");
  }

  it("keeps the process healthy: no exit, /api/health answers, no uncaught exception", async () => {
    await expectHealthy();
    const started = Date.now();
    for (const route of WS_ROUTES) {
      for (const c of CASES) {
        const path = await pathFor(route);
        const status = await runCase(path, admin, c);
        // the clean handshakes were accepted, so the frames reached the WebSocket parser
        if (!c.before) expect(status, `${route.path}: ${c.name}`).toBe("HTTP/1.1 101 Switching Protocols");
        else expect(status, `${route.path}: ${c.name}`).toMatch(/^HTTP\/1\.1 400|^$/);
      }
      // the route still works after its fuzz
      const status = await runCase(await pathFor(route), admin, {
        name: "clean",
        after: [frame(0x88, closeWith(1000, Buffer.alloc(0)))],
      });
      expect(status).toBe("HTTP/1.1 101 Switching Protocols");
    }
    await new Promise((r) => setTimeout(r, 500));
    await expectHealthy();
    expect(Date.now() - started).toBeLessThan(120_000);
  }, 180_000);
});

describe("slow headers (slowloris)", () => {
  /** Writes `start`, then one more header byte a second; resolves with the seconds until the portal closed it. */
  function trickle(start: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const began = Date.now();
      const socket = connect({ host: "127.0.0.1", port: Number(portal().port) });
      const drip = setInterval(() => socket.write("X"), 1_000);
      const give = setTimeout(() => {
        clearInterval(drip);
        socket.destroy();
        reject(new Error("the portal held the slow socket for 20 s"));
      }, 20_000);
      socket.on("error", () => {});
      socket.on("close", () => {
        clearInterval(drip);
        clearTimeout(give);
        resolve((Date.now() - began) / 1000);
      });
      socket.on("connect", () => socket.write(start));
    });
  }

  it("closes a request whose headers trickle in within 10 s", async () => {
    const seconds = await trickle(`GET /api/health HTTP/1.1\r\nHost: ${portal().host}\r\nX-Slow: `);
    expect(seconds).toBeLessThan(10);
  }, 30_000);

  it("closes a WebSocket upgrade whose headers trickle in within 10 s", async () => {
    const seconds = await trickle(
      `GET /ws/events HTTP/1.1\r\nHost: ${portal().host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nX-Slow: `,
    );
    expect(seconds).toBeLessThan(10);
  }, 30_000);

  it("closes a socket that sends only part of the request line within 10 s", async () => {
    const seconds = await trickle("GET /ws/ev");
    expect(seconds).toBeLessThan(10);
  }, 30_000);
});
