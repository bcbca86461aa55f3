// .rdp downloads: content field by field (address:port, username, secure redirection defaults, clipboard per
// class, RD Gateway from settings), the file name, and refusals (bad id, someone else's machine, no RDP, no
// address yet).
import { beforeAll, describe, expect, it } from "vitest";
import { signedIn, signedInAdmin, testDb } from "../support/users";

type Fixture = Awaited<ReturnType<typeof signedIn>>;
let owner: Fixture;
let other: Fixture;
let teacher: Fixture;
const ids: Record<string, string> = {};

function fields(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of text.split("\r\n").filter(Boolean)) {
    const m = /^([^:]+):([is]):(.*)$/.exec(line);
    if (!m) throw new Error(`not an .rdp line: ${JSON.stringify(line)}`);
    expect(map.has(m[1]!), `duplicate ${m[1]}`).toBe(false);
    map.set(m[1]!, `${m[2]}:${m[3]}`);
  }
  return map;
}

describe(".rdp downloads", () => {
  beforeAll(async () => {
    owner = await signedIn("STUDENT");
    other = await signedIn("STUDENT");
    teacher = await signedIn("TEACHER");
    const db = testDb();
    const rdpTpl = await db.template.create({ data: { name: "Windows lab", kind: "LIBVIRT", status: "READY", consoleKinds: "vnc,rdp", rdpPort: 3390, sshUser: "labuser", osType: "WINDOWS" } });
    const plainTpl = await db.template.create({ data: { name: "Linux lab", kind: "LIBVIRT", status: "READY", consoleKinds: "vnc,ssh" } });
    const noUserTpl = await db.template.create({ data: { name: "Windows no user", kind: "LIBVIRT", status: "READY", consoleKinds: "rdp" } });
    const klass = await db.class.create({ data: { name: "Networks 101", ownerId: teacher.user.id, rdpClipboard: false } });
    ids.inClass = (await db.machine.create({ data: { name: "Win 10 (lab #3)", ownerId: owner.user.id, classId: klass.id, templateId: rdpTpl.id, state: "RUNNING", ipAddresses: "fe80::5054:ff:fe00:1,192.168.77.20" } })).id;
    ids.personal = (await db.machine.create({ data: { name: "my-win", ownerId: owner.user.id, templateId: noUserTpl.id, state: "RUNNING", ipAddresses: "192.168.77.21" } })).id;
    ids.noAddress = (await db.machine.create({ data: { name: "fresh", ownerId: owner.user.id, templateId: rdpTpl.id, state: "STARTING" } })).id;
    ids.noRdp = (await db.machine.create({ data: { name: "linux", ownerId: owner.user.id, templateId: plainTpl.id, state: "RUNNING", ipAddresses: "192.168.77.22" } })).id;
  });

  it("writes the machine's address and port, the username, secure defaults and the class's clipboard rule", async () => {
    const res = await owner.client.fetch(`/api/machines/${ids.inClass}/rdp`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/x-rdp");
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="Win_10_lab_3.rdp"');
    expect(res.headers.get("cache-control")).toBe("no-store");
    const text = await res.text();
    expect(text.endsWith("\r\n")).toBe(true);
    const f = fields(text);
    expect(f.get("full address")).toBe("s:192.168.77.20:3390");
    expect(f.get("username")).toBe("s:labuser");
    expect(f.get("redirectclipboard")).toBe("i:0"); // the class turned the clipboard off
    expect(f.get("redirectdrives")).toBe("i:0");
    expect(f.get("drivestoredirect")).toBe("s:");
    expect(f.get("redirectprinters")).toBe("i:0");
    expect(f.get("redirectsmartcards")).toBe("i:0");
    expect(f.get("redirectcomports")).toBe("i:0");
    expect(f.get("usbdevicestoredirect")).toBe("s:");
    expect(f.get("camerastoredirect")).toBe("s:");
    expect(f.get("prompt for credentials")).toBe("i:1");
    expect(f.get("authentication level")).toBe("i:2");
    expect(f.get("gatewayusagemethod")).toBe("i:0");
    expect(f.get("gatewayhostname")).toBe("s:");
  });

  it("outside a class the clipboard is allowed; without a template user the owner's name is prefilled", async () => {
    const f = fields(await (await owner.client.fetch(`/api/machines/${ids.personal}/rdp`)).text());
    expect(f.get("full address")).toBe("s:192.168.77.21:3389");
    expect(f.get("redirectclipboard")).toBe("i:1");
    expect(f.get("username")).toBe(`s:${owner.user.email.split("@")[0]}`);
  });

  it("uses the RD Gateway from settings", async () => {
    const db = testDb();
    await db.setting.upsert({ where: { key: "rdp" }, create: { key: "rdp", value: JSON.stringify({ gateway: "rdgw.lab.example:443" }) }, update: { value: JSON.stringify({ gateway: "rdgw.lab.example:443" }) } });
    try {
      const f = fields(await (await owner.client.fetch(`/api/machines/${ids.inClass}/rdp`)).text());
      expect(f.get("gatewayhostname")).toBe("s:rdgw.lab.example:443");
      expect(f.get("gatewayusagemethod")).toBe("i:1");
      expect(f.get("gatewayprofileusagemethod")).toBe("i:1");
      expect(f.get("full address")).toBe("s:192.168.77.20:3390");
    } finally {
      await db.setting.delete({ where: { key: "rdp" } });
    }
  });

  it("the class's teacher and an admin may download it", async () => {
    expect((await teacher.client.fetch(`/api/machines/${ids.inClass}/rdp`)).status).toBe(200);
    const admin = await signedInAdmin();
    expect((await admin.fetch(`/api/machines/${ids.inClass}/rdp`)).status).toBe(200);
  });

  it("refuses bad ids, other users' machines, machines without RDP and machines without an address, with a clear message", async () => {
    const bad = await owner.client.json<{ error: { code: string } }>("/api/machines/does-not-exist/rdp");
    expect(bad.status).toBe(404);
    const tooLong = await owner.client.json<{ error: { code: string } }>(`/api/machines/${"x".repeat(65)}/rdp`);
    expect(tooLong.status).toBe(422);
    const someoneElses = await other.client.json<{ error: { code: string } }>(`/api/machines/${ids.inClass}/rdp`);
    expect(someoneElses.status).toBe(404);
    expect(someoneElses.body.error.code).toBe("NOT_FOUND");
    const otherTeacher = await signedIn("TEACHER");
    expect((await otherTeacher.client.fetch(`/api/machines/${ids.inClass}/rdp`)).status).toBe(404);
    const noRdp = await owner.client.json<{ error: { code: string; message: string } }>(`/api/machines/${ids.noRdp}/rdp`);
    expect(noRdp.status).toBe(409);
    expect(noRdp.body.error).toMatchObject({ code: "CONSOLE_UNAVAILABLE", message: expect.stringContaining("does not offer Remote Desktop") });
    const noAddress = await owner.client.json<{ error: { code: string; message: string } }>(`/api/machines/${ids.noAddress}/rdp`);
    expect(noAddress.status).toBe(409);
    expect(noAddress.body.error.message).toMatch(/no network address yet/);
    const anonymous = await fetch(`${owner.client.baseUrl}/api/machines/${ids.inClass}/rdp`);
    expect(anonymous.status).toBe(401);
  });
});
