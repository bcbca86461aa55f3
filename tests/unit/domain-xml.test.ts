import { describe, expect, it } from "vitest";
import {
  type DomainSpec,
  domainXml,
  esc,
  networkXml,
  poolXml,
  safeName,
  uuidFor,
} from "../../src/server/providers/libvirt/domain-xml";

const HOSTILE = `'<>&"`;

function spec(extra: Partial<DomainSpec> = {}): DomainSpec {
  return {
    name: "lp-abc",
    uuid: "00000000-0000-5000-8000-000000000000",
    title: "A title",
    virtType: "qemu",
    vcpus: 1,
    memoryMb: 256,
    disks: [{ path: "/var/lib/libvirt/images/lab-portal/lp-abc.qcow2", format: "qcow2", target: "vda" }],
    network: "lab-portal",
    graphics: { listen: "127.0.0.1", password: "abcdEFGH", vnc: true, spice: true },
    osType: "LINUX",
    metadata: { id: "abc", template: "tpl" },
    ...extra,
  };
}

/** The markup left after removing escaped entities and the text between tags: what a value could have added. */
function tagsOf(xml: string): string[] {
  return [...xml.matchAll(/<\/?([A-Za-z:]+)/g)].map((m) => m[1] as string);
}

describe("libvirt domain XML", () => {
  it("escapes all five XML special characters", () => {
    expect(esc(HOSTILE)).toBe("&apos;&lt;&gt;&amp;&quot;");
    expect(esc(42)).toBe("42");
  });

  it("puts a hostile title, path, password and metadata value in as text only", () => {
    const plain = domainXml(spec());
    const hostile = domainXml(
      spec({
        title: `x${HOSTILE}</title><devices><hostdev/></devices><title>`,
        disks: [{ path: `/tmp/a'b"<c>&.qcow2`, format: "qcow2", target: "vda" }],
        graphics: { listen: "127.0.0.1", password: `p'w"<>&`, vnc: true, spice: true },
        metadata: { id: `abc${HOSTILE}`, template: "</lp:machine>" },
      }),
    );
    expect(tagsOf(hostile)).toEqual(tagsOf(plain));
    expect(hostile).toContain(
      "<title>x&apos;&lt;&gt;&amp;&quot;&lt;/title&gt;&lt;devices&gt;&lt;hostdev/&gt;&lt;/devices&gt;&lt;title&gt;</title>",
    );
    expect(hostile).toContain("<source file='/tmp/a&apos;b&quot;&lt;c&gt;&amp;.qcow2'/>");
    expect(hostile).toContain("passwd='p&apos;w&quot;&lt;&gt;&amp;'");
    expect(hostile).toContain("<lp:id>abc&apos;&lt;&gt;&amp;&quot;</lp:id>");
    expect(hostile).not.toContain("<hostdev");
  });

  it("rejects names that are not plain identifiers", () => {
    expect(safeName("lp-abc_1.qcow2")).toBe("lp-abc_1.qcow2");
    for (const bad of [`lp-a'b`, `lp-a"b`, "lp a", "", "-lp", "lp/../x", "lp<x>", "x".repeat(102)]) {
      expect(() => safeName(bad, "domain name")).toThrow(/Invalid libvirt domain name/);
    }
    expect(() => domainXml(spec({ name: "lp-a'b" }))).toThrow(/Invalid libvirt domain name/);
    expect(() => domainXml(spec({ network: `net'x` }))).toThrow(/Invalid libvirt network name/);
    expect(() => domainXml(spec({ metadata: { "bad key": "v" } }))).toThrow(/metadata key/);
    expect(() =>
      networkXml({
        name: "n'x",
        bridge: "br0",
        subnet: { address: "10.0.0.1", prefix: 24, dhcpStart: "10.0.0.10", dhcpEnd: "10.0.0.20" },
      }),
    ).toThrow(/network name/);
    expect(() => poolXml("pool'x", "/tmp")).toThrow(/pool name/);
  });

  it("accepts only whole, non-negative numbers for sizes", () => {
    expect(() => domainXml(spec({ memoryMb: 1.5 }))).toThrow(/memory/);
    expect(() => domainXml(spec({ vcpus: -1 }))).toThrow(/vCPUs/);
    expect(() => domainXml(spec({ memoryMb: Number.NaN }))).toThrow(/memory/);
  });

  it("uses the domain type asked for and only passes the host CPU through under KVM", () => {
    expect(domainXml(spec({ virtType: "qemu" }))).toMatch(/^<domain type='qemu'>/);
    expect(domainXml(spec({ virtType: "qemu" }))).not.toContain("host-passthrough");
    expect(domainXml(spec({ virtType: "kvm" }))).toContain("<cpu mode='host-passthrough'/>");
  });

  it("adds VNC and SPICE only when asked, both on the listen address with the password", () => {
    const vncOnly = domainXml(
      spec({ graphics: { listen: "127.0.0.1", password: "abcdEFGH", vnc: true, spice: false } }),
    );
    expect(vncOnly).toContain("<graphics type='vnc' autoport='yes' listen='127.0.0.1' passwd='abcdEFGH'>");
    expect(vncOnly).not.toContain("type='spice'");
    const both = domainXml(spec());
    expect(both).toContain("<graphics type='spice' autoport='yes' listen='127.0.0.1' passwd='abcdEFGH'>");
  });

  it("derives a stable version-5 style UUID per machine id", async () => {
    const a = await uuidFor("abc");
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(await uuidFor("abc")).toBe(a);
    expect(await uuidFor("abd")).not.toBe(a);
  });
});
