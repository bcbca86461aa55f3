// Consoles through the portal, against a real VM and a real container: tickets (single use, ≤ 60 s, bound to
// user + machine + kind), every refusal with its own close code, the VNC bridge answering VNC authentication
// itself (the page never sees the password), and a docker exec terminal.
import { connect } from "node:net";
import { beforeAll, describe, expect, inject, it } from "vitest";
import WebSocket from "ws";
import { encryptSpicePassword } from "../../src/server/console/spice-link";
import { requireAssets } from "../support/assets";
import type { PortalClient } from "../support/client";
import {
  createContainerTemplate,
  createVmTemplate,
  ensureHosts,
  virsh,
  waitFor,
  waitForJob,
  waitForState,
} from "../support/machines";
import { signedIn, signedInAdmin, testDb } from "../support/users";
import { reader } from "../support/ws-reader";

type Ticket = { ticket: string; url: string; expiresAt: string };

function wsUrl(path: string) {
  return `${inject("portalUrl").replace(/^http/, "ws")}${path}`;
}

function open(client: PortalClient | null, path: string, origin: string | null = inject("portalUrl")) {
  const headers: Record<string, string> = {};
  if (client) {
    headers.cookie = client.cookieHeader();
    headers["x-forwarded-for"] = client.ip;
  }
  if (origin) headers.origin = origin;
  return new WebSocket(wsUrl(path), { headers });
}

/** Resolves with the close code (and collects what arrived before). */
function closed(ws: WebSocket): Promise<{ code: number; reason: string; received: Buffer[] }> {
  const received: Buffer[] = [];
  ws.on("message", (d: Buffer) => received.push(Buffer.from(d)));
  return new Promise((resolve) =>
    ws.on("close", (code, reason) => resolve({ code, reason: reason.toString(), received })),
  );
}

async function ticket(client: PortalClient, machineId: string, kind: string, viewOnly = false) {
  return client.json<Ticket & { error?: { code: string; message: string } }>(`/api/machines/${machineId}/console`, {
    method: "POST",
    json: { kind, viewOnly },
  });
}

/** A SpiceLinkMess for one channel, as spice-html5 sends it: one common caps word at offset 18 (auth selection,
 * SPICE auth, mini header). */
function spiceLinkMessage(channelType: number, connectionId = 0): Buffer {
  const body = Buffer.alloc(22);
  body.writeUInt32LE(connectionId, 0);
  body.writeUInt8(channelType, 4);
  body.writeUInt32LE(1, 6);
  body.writeUInt32LE(18, 14);
  body.writeUInt32LE(0b1011, 18);
  const header = Buffer.alloc(16);
  header.writeUInt32LE(0x51444552, 0);
  header.writeUInt32LE(2, 4);
  header.writeUInt32LE(2, 8);
  header.writeUInt32LE(body.length, 12);
  return Buffer.concat([header, body]);
}

/** Links a main channel straight to the display (as remote-viewer does) with `password`; the server's answer (0 = accepted). */
function spiceAuth(port: number, password: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host: "127.0.0.1", port });
    let buf = Buffer.alloc(0);
    let step = 0;
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error("the SPICE display did not answer"));
    }, 10_000);
    sock.on("error", reject);
    sock.on("connect", () => sock.write(spiceLinkMessage(1)));
    sock.on("data", (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (step === 0 && buf.length >= 16 && buf.length >= 16 + buf.readUInt32LE(12)) {
        const reply = buf.subarray(16, 16 + buf.readUInt32LE(12));
        buf = buf.subarray(16 + reply.length);
        step = 1;
        sock.write(Buffer.concat([Buffer.from([1, 0, 0, 0]), encryptSpicePassword(reply.subarray(4, 166), password)]));
      }
      if (step === 1 && buf.length >= 4) {
        clearTimeout(timer);
        sock.destroy();
        resolve(buf.readUInt32LE(0));
      }
    });
  });
}

describe("consoles", () => {
  let admin: PortalClient;
  let vm: string;
  let ct: string;
  let stoppedVm: string;

  beforeAll(async () => {
    await requireAssets("libvirt", "docker");
    admin = await signedInAdmin();
    await ensureHosts(admin);
    const vmTemplate = await createVmTemplate(admin);
    const ctTemplate = await createContainerTemplate(admin);
    const a = await admin.json<{ job: { id: string }; machines: { id: string }[] }>("/api/machines", {
      method: "POST",
      json: { templateId: vmTemplate, name: "console vm", count: 2 },
    });
    const b = await admin.json<{ job: { id: string }; machines: { id: string }[] }>("/api/machines", {
      method: "POST",
      json: { templateId: ctTemplate, name: "console ct" },
    });
    await waitForJob(admin, a.body.job.id);
    await waitForJob(admin, b.body.job.id);
    vm = a.body.machines[0]?.id as string;
    stoppedVm = a.body.machines[1]?.id as string;
    ct = b.body.machines[0]?.id as string;
    for (const id of [vm, ct]) await admin.json(`/api/machines/${id}/start`, { method: "POST", json: {} });
    await waitForState(admin, vm, "RUNNING");
    await waitForState(admin, ct, "RUNNING");
  }, 180_000);

  it("bridges VNC with the portal answering the display's password: the browser gets RFB with no authentication", async () => {
    const t = await ticket(admin, vm, "vnc");
    expect(t.status).toBe(201);
    expect(t.body.ticket).toMatch(/^lct_/);
    expect(new Date(t.body.expiresAt).getTime() - Date.now()).toBeLessThanOrEqual(60_000);
    const ws = open(admin, t.body.url);
    const read = reader(ws);
    expect((await read(12)).toString("latin1")).toBe("RFB 003.008\n");
    ws.send(Buffer.from("RFB 003.008\n", "latin1"));
    expect([...(await read(2))]).toEqual([1, 1]); // one security type: None
    ws.send(Buffer.from([1]));
    expect([...(await read(4))]).toEqual([0, 0, 0, 0]); // SecurityResult OK
    ws.send(Buffer.from([1])); // ClientInit, shared
    const init = await read(24);
    const width = init.readUInt16BE(0);
    const height = init.readUInt16BE(2);
    expect(width).toBeGreaterThan(0);
    expect(height).toBeGreaterThan(0);
    const name = (await read(init.readUInt32BE(20))).toString("utf8");
    expect(name).toContain(`lp-${vm}`);
    ws.close();
    // the session was recorded with bytes both ways
    await waitFor(
      "session closed",
      () => testDb().consoleSession.findFirst({ where: { machineId: vm, kind: "vnc" }, orderBy: { openedAt: "desc" } }),
      (s) => Boolean(s?.closedAt),
      10_000,
    );
    const s = await testDb().consoleSession.findFirst({
      where: { machineId: vm, kind: "vnc" },
      orderBy: { openedAt: "desc" },
    });
    expect(Number(s?.bytesOut)).toBeGreaterThan(24);
  });

  it("bridges SPICE channels with the real password put in by the portal, all channels on the one ticket", async () => {
    const t = await ticket(admin, vm, "spice");
    expect(t.status).toBe(201);
    /** One SPICE channel's link exchange, as spice-html5 does it, with 128 bytes of zeros for the password. */
    async function link(channelType: number, connectionId = 0) {
      const ws = open(admin, t.body.url);
      const read = reader(ws);
      const ending = closed(ws);
      await new Promise((r, j) => {
        ws.once("open", r);
        ws.once("close", (code) => j(new Error(`closed ${code}`)));
      });
      ws.send(spiceLinkMessage(channelType, connectionId)); // connection id: 0 for main; the session id for the others
      const replyHeader = await read(16);
      expect(replyHeader.readUInt32LE(0)).toBe(0x51444552);
      const reply = await read(replyHeader.readUInt32LE(12));
      expect(reply.readUInt32LE(0)).toBe(0); // link OK
      const mechanism = Buffer.alloc(4);
      mechanism.writeUInt32LE(1, 0);
      ws.send(Buffer.concat([mechanism, Buffer.alloc(128)]));
      const auth = (await read(4)).readUInt32LE(0);
      return { ws, auth, ending, read };
    }
    const main = await link(1);
    expect(main.auth).toBe(0); // the display accepted the password the portal put in
    // SPICE_MSG_MAIN_INIT (mini header: type u16, size u32) carries the session id the other channels join
    const mini = await main.read(6);
    expect(mini.readUInt16LE(0)).toBe(103);
    const init = await main.read(mini.readUInt32LE(2));
    // a second channel joins the session on the same ticket
    const second = await link(3, init.readUInt32LE(0));
    expect(second.auth).toBe(0);
    second.ws.close();
    // a display channel the browser leaves before its DISPLAY_INIT: QEMU 7.2's SPICE worker thread segfaults on
    // that and takes the guest down, so the bridge sends the init for the browser before it lets go
    const display = await link(2, init.readUInt32LE(0));
    expect(display.auth).toBe(0);
    display.ws.close();
    await display.ending;
    await new Promise((r) => setTimeout(r, 3_000));
    expect(virsh("domstate", `lp-${vm}`).trim()).toBe("running");
    expect(main.ws.readyState).toBe(WebSocket.OPEN);
    main.ws.close();
    await main.ending;
    // both channels made one console session, closed when the last channel closed, with both channels' bytes
    const sessions = await waitFor(
      "one closed SPICE session",
      () => testDb().consoleSession.findMany({ where: { machineId: vm, kind: "spice" } }),
      (rows) => rows.length === 1 && rows[0]?.closedAt !== null,
      10_000,
    );
    expect(Number(sessions[0]?.bytesOut)).toBeGreaterThan(0);

    // view-only: the inputs channel (3) is refused before anything reaches the display
    const viewOnly = await ticket(admin, vm, "spice", true);
    const v = open(admin, viewOnly.body.url);
    const vMain = reader(v);
    await new Promise((r) => v.once("open", r));
    void vMain;
    v.close();
    const inputs = open(admin, viewOnly.body.url);
    await new Promise((r) => inputs.once("open", r));
    const refused = closed(inputs);
    inputs.send(spiceLinkMessage(3));
    const result = await refused;
    expect(result.code).toBe(4469);
    expect(result.received).toHaveLength(0);
  });

  it("downloads a .vv file whose own SPICE password the display accepts for a minute; the browser console re-arms after it", async () => {
    const spicePasswd = () =>
      /<graphics type='spice'[^>]*passwd='([^']*)'/.exec(virsh("dumpxml", "--security-info", `lp-${vm}`))?.[1];
    const startPassword = spicePasswd() as string;
    expect(startPassword).toMatch(/^[A-Za-z0-9]{8}$/);
    // the host's consoles listen on 127.0.0.1 and it has no public console address: no student's computer could
    // reach the display, so the download is refused with the reason and the machine's row says so (no button)
    const hostId = (await testDb().machine.findUniqueOrThrow({ where: { id: vm } })).hostId as string;
    expect(
      (await admin.json(`/api/admin/hosts/${hostId}`, { method: "PATCH", json: { publicConsoleAddress: "" } })).status,
    ).toBe(200);
    const loopbackOnly =
      "This host's consoles listen on 127.0.0.1 only; an admin can set a public console address in Admin → Hosts.";
    const refused = await admin.json<{ error: { code: string; message: string } }>(`/api/machines/${vm}/console.vv`);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toEqual({ code: "CONSOLE_UNAVAILABLE", message: loopbackOnly });
    expect((await admin.json<{ downloads?: unknown }>(`/api/machines/${vm}`)).body.downloads).toEqual({
      vv: { available: false, reason: loopbackOnly },
      rdp: null,
    });
    expect(spicePasswd()).toBe(startPassword);
    // an admin sets where desktop clients reach the host's consoles: the file names that address
    const setAddress = await admin.json<{ publicConsoleAddress: string | null }>(`/api/admin/hosts/${hostId}`, {
      method: "PATCH",
      json: { publicConsoleAddress: "consoles.lab.example.test" },
    });
    expect(setAddress.status).toBe(200);
    expect(setAddress.body.publicConsoleAddress).toBe("consoles.lab.example.test");
    expect((await admin.json<{ downloads?: unknown }>(`/api/machines/${vm}`)).body.downloads).toEqual({
      vv: { available: true, reason: null },
      rdp: null,
    });
    const res = await admin.fetch(`/api/machines/${vm}/console.vv`);
    expect(res.status, res.status === 200 ? "" : await res.clone().text()).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/x-virt-viewer");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="console_vm-1\.vv"$/);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const validUntil = new Date(res.headers.get("x-password-valid-until") ?? "");
    expect(Math.abs(validUntil.getTime() - (Date.now() + 60_000))).toBeLessThan(5_000);
    const text = await res.text();
    const fields = Object.fromEntries(
      text
        .split("\r\n")
        .filter((l) => l.includes("="))
        .map((l) => l.split(/=(.*)/s).slice(0, 2)),
    );
    const m = await testDb().machine.findUniqueOrThrow({ where: { id: vm } });
    expect(text.startsWith("[virt-viewer]\r\n")).toBe(true);
    expect(fields).toMatchObject({
      type: "spice",
      host: "consoles.lab.example.test",
      port: String(m.spicePort),
      "delete-this-file": "1",
    });
    expect(fields.password).toMatch(/^[A-Za-z0-9]{16}$/);
    expect(fields.password).not.toBe(startPassword);
    // the display has the file's password with its expiry (libvirt hands both to QEMU), and accepts it
    const live = virsh("dumpxml", "--security-info", `lp-${vm}`);
    expect(live).toContain(`passwd='${fields.password}'`);
    expect(live).toContain(`passwdValidTo='${validUntil.toISOString().slice(0, 19)}'`);
    expect(await spiceAuth(m.spicePort as number, fields.password as string)).toBe(0);
    expect(await spiceAuth(m.spicePort as number, startPassword)).not.toBe(0);
    // a second download while that password is valid keeps it (the display has one password) and moves its end,
    // so the first file still works
    await new Promise((r) => setTimeout(r, 1100));
    const again = await admin.fetch(`/api/machines/${vm}/console.vv`);
    expect(again.status).toBe(200);
    const againUntil = new Date(again.headers.get("x-password-valid-until") ?? "");
    expect(againUntil.getTime()).toBeGreaterThan(validUntil.getTime());
    expect(/\r\npassword=([^\r]*)\r\n/.exec(await again.text())?.[1]).toBe(fields.password);
    expect(virsh("dumpxml", "--security-info", `lp-${vm}`)).toContain(
      `passwdValidTo='${againUntil.toISOString().slice(0, 19)}'`,
    );
    expect(await spiceAuth(m.spicePort as number, fields.password as string)).toBe(0);
    // once it has run out, the next download gets a fresh password
    await testDb().machine.update({ where: { id: vm }, data: { spiceSecretUntil: new Date(Date.now() - 1_000) } });
    const fresh = await admin.fetch(`/api/machines/${vm}/console.vv`);
    const freshPassword = /\r\npassword=([^\r]*)\r\n/.exec(await fresh.text())?.[1];
    expect(freshPassword).toMatch(/^[A-Za-z0-9]{16}$/);
    expect(freshPassword).not.toBe(fields.password);
    expect(await spiceAuth(m.spicePort as number, freshPassword as string)).toBe(0);
    expect(await spiceAuth(m.spicePort as number, fields.password as string)).not.toBe(0);
    fields.password = freshPassword as string;
    // once the file's password has (nearly) run out, the browser console sets a fresh one without a limit
    await testDb().machine.update({ where: { id: vm }, data: { spiceSecretUntil: new Date(Date.now() + 1_000) } });
    const t = await ticket(admin, vm, "spice");
    const ws = open(admin, t.body.url);
    const read = reader(ws);
    await new Promise((r) => ws.once("open", r));
    ws.send(spiceLinkMessage(1));
    const replyHeader = await read(16);
    await read(replyHeader.readUInt32LE(12));
    ws.send(Buffer.concat([Buffer.from([1, 0, 0, 0]), Buffer.alloc(128)]));
    expect((await read(4)).readUInt32LE(0)).toBe(0);
    ws.close();
    const after = await testDb().machine.findUniqueOrThrow({ where: { id: vm } });
    expect(after.spiceSecretUntil).toBeNull();
    expect(after.spiceSecret).not.toBeNull();
    const rearmed = spicePasswd() as string;
    expect(rearmed).toMatch(/^[A-Za-z0-9]{16}$/);
    expect(rearmed).not.toBe(fields.password);
    expect(await spiceAuth(m.spicePort as number, rearmed)).toBe(0);
    expect(virsh("dumpxml", "--security-info", `lp-${vm}`)).not.toContain("passwdValidTo");
    expect(await spiceAuth(m.spicePort as number, fields.password as string)).not.toBe(0);

    const { client: student } = await signedIn("STUDENT");
    expect((await student.fetch(`/api/machines/${vm}/console.vv`)).status).toBe(404);
    expect((await admin.fetch(`/api/machines/${stoppedVm}/console.vv`)).status).toBe(409);
    expect((await admin.fetch(`/api/machines/${ct}/console.vv`)).status).toBe(409);
    await admin.json(`/api/admin/hosts/${hostId}`, { method: "PATCH", json: { publicConsoleAddress: null } });
  }, 180_000);

  it("runs a shell in a container over docker exec", async () => {
    const t = await ticket(admin, ct, "exec");
    const ws = open(admin, t.body.url);
    let text = "";
    ws.on("message", (d: Buffer, binary: boolean) => {
      if (binary) text += d.toString("utf8");
    });
    await new Promise((r) => ws.once("open", r));
    ws.send(JSON.stringify({ type: "resize", cols: 100, rows: 30 }));
    // the resize is a call to the Docker daemon; give it a moment before asking the shell for its size
    await waitFor(
      "prompt",
      async () => text,
      (t) => t.includes("#") || t.includes("$"),
      10_000,
    );
    await new Promise((r) => setTimeout(r, 500));
    ws.send(Buffer.from("echo exec-$((6*7)); stty size\n"));
    await waitFor(
      "shell output",
      async () => text,
      (t) => t.includes("exec-42") && t.includes("30 100"),
      15_000,
    );
    ws.close();
  });

  it("refuses a replayed ticket (4463)", async () => {
    const t = await ticket(admin, ct, "exec");
    const first = open(admin, t.body.url);
    await new Promise((r) => first.once("open", r));
    const second = await closed(open(admin, t.body.url));
    expect(second.code).toBe(4463);
    first.close();
  });

  it("refuses a forged ticket (4461) and an expired one (4462)", async () => {
    expect((await closed(open(admin, `/ws/machines/${ct}/console?ticket=lct_${"A".repeat(43)}`))).code).toBe(4461);
    expect((await closed(open(admin, `/ws/machines/${ct}/console?ticket=nonsense`))).code).toBe(4461);
    const t = await ticket(admin, ct, "exec");
    await testDb().consoleTicket.updateMany({
      where: { machineId: ct, usedAt: null },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const res = await closed(open(admin, t.body.url));
    expect(res.code).toBe(4462);
    expect(res.reason).toMatch(/expired/);
  });

  it("refuses another user's ticket (4464), a ticket on another machine (4465), no cookie (4401) and a wrong Origin (4408)", async () => {
    const { client: teacher } = await signedIn("TEACHER");
    const t1 = await ticket(admin, ct, "exec");
    expect((await closed(open(teacher, t1.body.url))).code).toBe(4464);
    const t2 = await ticket(admin, ct, "exec");
    expect((await closed(open(admin, t2.body.url.replace(ct, vm)))).code).toBe(4465);
    const t3 = await ticket(admin, ct, "exec");
    expect((await closed(open(null, t3.body.url))).code).toBe(4401);
    expect((await closed(open(admin, t3.body.url, "https://evil.example"))).code).toBe(4408);
    // the ticket survived the refused attempts that never reached it, and still works once
    const ok = open(admin, t3.body.url);
    await new Promise((r, j) => {
      ok.once("open", r);
      ok.once("close", j);
    });
    ok.close();
  });

  it("refuses a student who may not use the machine, a stopped machine and a kind the template does not offer", async () => {
    const { client: student } = await signedIn("STUDENT");
    expect((await ticket(student, ct, "exec")).status).toBe(404);
    const stopped = await ticket(admin, stoppedVm, "vnc");
    expect(stopped.status).toBe(409);
    expect(stopped.body.error?.code).toBe("MACHINE_NOT_RUNNING");
    const wrongKind = await ticket(admin, ct, "vnc");
    expect(wrongKind.status).toBe(409);
    expect(wrongKind.body.error?.code).toBe("CONSOLE_UNAVAILABLE");
    const bad = await admin.json<{ error: { code: string } }>(`/api/machines/${ct}/console`, {
      method: "POST",
      json: { kind: "telnet" },
    });
    expect(bad.status).toBe(422);
  });

  it("ends open consoles when the machine stops, and refuses a ticket issued before it stopped (4466)", async () => {
    const live = await ticket(admin, ct, "exec");
    const ws = open(admin, live.body.url);
    await new Promise((r) => ws.once("open", r));
    const ending = closed(ws);
    const pending = await ticket(admin, ct, "exec");
    await admin.json(`/api/machines/${ct}/stop`, { method: "POST", json: { force: true } });
    await waitForState(admin, ct, "STOPPED");
    expect((await ending).code).toBe(4466);
    expect((await closed(open(admin, pending.body.url))).code).toBe(4466);
    // audit: open and close lines with the duration
    const events = await testDb().auditEvent.findMany({
      where: { targetId: ct, action: { in: ["console.open", "console.close"] } },
    });
    expect(events.some((e) => e.action === "console.open")).toBe(true);
    expect(events.some((e) => e.action === "console.close" && /"seconds":\d+/.test(e.details ?? ""))).toBe(true);
  });
});

describe("watching and administering consoles", () => {
  it("tells the student who is watching, keeps a view-only console from typing, and lets an admin list and close consoles", async () => {
    await requireAssets("docker");
    const admin = await signedInAdmin();
    await ensureHosts(admin);
    const { client: student, user } = await signedIn("STUDENT");
    const templateId = await createContainerTemplate(admin);
    const created = await admin.json<{ job: { id: string }; machines: { id: string }[] }>("/api/machines", {
      method: "POST",
      json: { templateId, name: "watched", ownerId: user.id },
    });
    await waitForJob(admin, created.body.job.id);
    const id = created.body.machines[0]?.id as string;
    await admin.json(`/api/machines/${id}/start`, { method: "POST", json: {} });
    await waitForState(admin, id, "RUNNING");

    const events: { type: string; data: { machineId?: string; by?: string; viewOnly?: boolean; open?: boolean } }[] =
      [];
    const feed = open(student, "/ws/events");
    feed.on("message", (d: Buffer) => events.push(JSON.parse(d.toString())));
    await new Promise((r) => feed.once("open", r));

    const t = await ticket(admin, id, "exec", true);
    const watcher = open(admin, t.body.url);
    let screen = "";
    watcher.on("close", (c, r) => events.push({ type: `closed ${c} ${r}`, data: {} }));
    watcher.on("message", (d: Buffer, binary: boolean) => {
      if (binary) screen += d.toString("utf8");
    });
    await new Promise((r) => watcher.once("open", r));
    const watching = await waitFor(
      "banner event",
      async () =>
        events.find((e) => e.type === "console.watching" && e.data.open) ?? JSON.stringify(events).slice(0, 600),
      (e) => typeof e !== "string",
      10_000,
    );
    if (typeof watching === "string") throw new Error(watching);
    expect(watching?.data).toMatchObject({ machineId: id, viewOnly: true });
    expect(watching?.data.by).toBeTruthy();
    // view-only: typing does nothing
    watcher.send(Buffer.from("touch /tmp/typed-by-watcher\n"));
    await new Promise((r) => setTimeout(r, 1000));
    expect(screen).not.toContain("typed-by-watcher");

    const list = await admin.json<{ items: { id: string; machine: { id: string }; viewOnly: boolean }[] }>(
      "/api/admin/consoles",
    );
    const mine = list.body.items.find((s) => s.machine.id === id);
    expect(mine?.viewOnly).toBe(true);
    expect((await student.json("/api/admin/consoles")).status).toBe(403);
    const ending = closed(watcher);
    expect((await admin.fetch(`/api/admin/consoles/${mine?.id}`, { method: "DELETE" })).status).toBe(204);
    expect((await ending).code).toBe(4469);
    await waitFor(
      "banner cleared",
      async () => events.find((e) => e.type === "console.watching" && e.data.open === false),
      Boolean,
      10_000,
    );
    expect((await admin.fetch(`/api/admin/consoles/${mine?.id}`, { method: "DELETE" })).status).toBe(404);
    feed.close();

    // the student's own console works and nobody is "watching" it
    const own = await ticket(student, id, "exec");
    expect(own.status).toBe(201);
    await admin.json(`/api/machines/${id}`, { method: "DELETE" });
    await waitFor(
      "delete",
      () => admin.fetch(`/api/machines/${id}`).then((r) => r.status),
      (s) => s === 404,
      30_000,
    );
  }, 120_000);
});
