// .rdp downloads: content field by field (address:port, username, secure redirection defaults, clipboard per
// class, RD Gateway from settings), the file name, and refusals (bad id, someone else's machine, no RDP, no
// address yet, an address the user's computer cannot reach: no lab VPN routing it and no RD Gateway).
import { beforeAll, describe, expect, it } from "vitest";
import { signedIn, signedInAdmin, testDb } from "../support/users";

const UNREACHABLE =
  "Remote Desktop cannot reach this machine from your computer: it needs the lab VPN (with the machine's network routed) or an RD Gateway; an admin can set either in Admin → VPN.";

/** Runs `fn` with the "vpn" and "rdp" setting rows as given (null: no row), then puts the previous rows back. */
async function withSettings<T>(rows: { vpn: object | null; rdp: object | null }, fn: () => Promise<T>): Promise<T> {
  const db = testDb();
  const before = await db.setting.findMany({ where: { key: { in: ["vpn", "rdp"] } } });
  const put = async (key: string, value: string | null) => {
    if (value === null) await db.setting.deleteMany({ where: { key } });
    else await db.setting.upsert({ where: { key }, create: { key, value }, update: { value } });
  };
  // the VPN's own server stays as it was: only what .rdp reads (enabled, the routed networks) changes
  const vpnBefore = before.find((r) => r.key === "vpn")?.value;
  await put(
    "vpn",
    rows.vpn
      ? JSON.stringify({ ...(vpnBefore ? (JSON.parse(vpnBefore) as object) : {}), ...rows.vpn })
      : JSON.stringify({ ...(vpnBefore ? (JSON.parse(vpnBefore) as object) : {}), enabled: false }),
  );
  await put("rdp", rows.rdp ? JSON.stringify(rows.rdp) : null);
  try {
    return await fn();
  } finally {
    for (const key of ["vpn", "rdp"]) await put(key, before.find((r) => r.key === key)?.value ?? null);
  }
}

/** The lab VPN on and routing the machines' network 192.168.77.0/24. */
const viaVpn = { vpn: { enabled: true, labNetworks: ["192.168.77.0/24"] }, rdp: null };

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
    const rdpTpl = await db.template.create({
      data: {
        name: "Windows lab",
        kind: "LIBVIRT",
        status: "READY",
        consoleKinds: "vnc,rdp",
        rdpPort: 3390,
        sshUser: "labuser",
        osType: "WINDOWS",
      },
    });
    const plainTpl = await db.template.create({
      data: { name: "Linux lab", kind: "LIBVIRT", status: "READY", consoleKinds: "vnc,ssh" },
    });
    const noUserTpl = await db.template.create({
      data: { name: "Windows no user", kind: "LIBVIRT", status: "READY", consoleKinds: "rdp" },
    });
    const klass = await db.class.create({
      data: { name: "Networks 101", ownerId: teacher.user.id, rdpClipboard: false },
    });
    ids.inClass = (
      await db.machine.create({
        data: {
          name: "Win 10 (lab #3)",
          ownerId: owner.user.id,
          classId: klass.id,
          templateId: rdpTpl.id,
          state: "RUNNING",
          ipAddresses: "fe80::5054:ff:fe00:1,192.168.77.20",
        },
      })
    ).id;
    ids.personal = (
      await db.machine.create({
        data: {
          name: "my-win",
          ownerId: owner.user.id,
          templateId: noUserTpl.id,
          state: "RUNNING",
          ipAddresses: "192.168.77.21",
        },
      })
    ).id;
    ids.noAddress = (
      await db.machine.create({
        data: { name: "fresh", ownerId: owner.user.id, templateId: rdpTpl.id, state: "STARTING" },
      })
    ).id;
    ids.noRdp = (
      await db.machine.create({
        data: {
          name: "linux",
          ownerId: owner.user.id,
          templateId: plainTpl.id,
          state: "RUNNING",
          ipAddresses: "192.168.77.22",
        },
      })
    ).id;
  });

  it("refuses an address the user's computer cannot reach (no lab VPN routing it, no RD Gateway) with the reason, which the machine's row carries", async () => {
    await withSettings({ vpn: null, rdp: null }, async () => {
      const refused = await owner.client.json<{ error: { code: string; message: string } }>(
        `/api/machines/${ids.inClass}/rdp`,
      );
      expect(refused.status).toBe(409);
      expect(refused.body.error).toEqual({ code: "CONSOLE_UNAVAILABLE", message: UNREACHABLE });
      const row = await owner.client.json<{ downloads?: unknown }>(`/api/machines/${ids.inClass}`);
      expect(row.body.downloads).toEqual({ vv: null, rdp: { available: false, reason: UNREACHABLE } });
      const labs = await owner.client.json<{ items: { machine: { id: string; downloads?: unknown } }[] }>(
        "/api/me/labs",
      );
      expect(labs.body.items.find((i) => i.machine.id === ids.inClass)?.machine.downloads).toEqual({
        vv: null,
        rdp: { available: false, reason: UNREACHABLE },
      });
    });
    // the VPN on, but routing other networks than the machine's: still unreachable
    await withSettings({ vpn: { enabled: true, labNetworks: ["10.99.0.0/16"] }, rdp: null }, async () => {
      expect((await owner.client.fetch(`/api/machines/${ids.inClass}/rdp`)).status).toBe(409);
    });
    await withSettings(viaVpn, async () => {
      const row = await owner.client.json<{ downloads?: unknown }>(`/api/machines/${ids.inClass}`);
      expect(row.body.downloads).toEqual({ vv: null, rdp: { available: true, reason: null } });
    });
  });

  it("writes the machine's address and port, the username, secure defaults and the class's clipboard rule", async () => {
    const res = await withSettings(viaVpn, () => owner.client.fetch(`/api/machines/${ids.inClass}/rdp`));
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
    const f = fields(
      await (await withSettings(viaVpn, () => owner.client.fetch(`/api/machines/${ids.personal}/rdp`))).text(),
    );
    expect(f.get("full address")).toBe("s:192.168.77.21:3389");
    expect(f.get("redirectclipboard")).toBe("i:1");
    expect(f.get("username")).toBe(`s:${owner.user.email.split("@")[0]}`);
  });

  it("uses the RD Gateway from settings (which reaches the machine without the VPN)", async () => {
    await withSettings({ vpn: null, rdp: { gateway: "rdgw.lab.example:443" } }, async () => {
      const f = fields(await (await owner.client.fetch(`/api/machines/${ids.inClass}/rdp`)).text());
      expect(f.get("gatewayhostname")).toBe("s:rdgw.lab.example:443");
      expect(f.get("gatewayusagemethod")).toBe("i:1");
      expect(f.get("gatewayprofileusagemethod")).toBe("i:1");
      expect(f.get("full address")).toBe("s:192.168.77.20:3390");
    });
  });

  it("the class's teacher and an admin may download it", async () => {
    const admin = await signedInAdmin();
    await withSettings(viaVpn, async () => {
      expect((await teacher.client.fetch(`/api/machines/${ids.inClass}/rdp`)).status).toBe(200);
      expect((await admin.fetch(`/api/machines/${ids.inClass}/rdp`)).status).toBe(200);
    });
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
    const noRdp = await owner.client.json<{ error: { code: string; message: string } }>(
      `/api/machines/${ids.noRdp}/rdp`,
    );
    expect(noRdp.status).toBe(409);
    expect(noRdp.body.error).toMatchObject({
      code: "CONSOLE_UNAVAILABLE",
      message: expect.stringContaining("does not offer Remote Desktop"),
    });
    const noAddress = await owner.client.json<{ error: { code: string; message: string } }>(
      `/api/machines/${ids.noAddress}/rdp`,
    );
    expect(noAddress.status).toBe(409);
    expect(noAddress.body.error.message).toMatch(/no network address yet/);
    const anonymous = await fetch(`${owner.client.baseUrl}/api/machines/${ids.inClass}/rdp`);
    expect(anonymous.status).toBe(401);
  });
});
