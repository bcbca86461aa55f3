// The class-network isolation table (#14 item 6): which hosts it covers, and the generated nft script.
// The rules themselves are proved against real containers and a guest in tests/services/class-isolation.test.ts.
import { describe, expect, it } from "vitest";
import { capabilitiesFor, DEFAULT_CAPABILITIES, parseCapabilities } from "../../src/lib/docker-capabilities";
import { isLocalHost, isolationScript } from "../../src/server/providers/isolation";

describe("isolation table", () => {
  it("covers only hosts on this machine", () => {
    expect(isLocalHost({ kind: "DOCKER", uri: "unix:///var/run/docker.sock" })).toBe(true);
    expect(isLocalHost({ kind: "DOCKER", uri: "ssh://root@lab2" })).toBe(false);
    expect(isLocalHost({ kind: "DOCKER", uri: "tcp://lab2:2376" })).toBe(false);
    expect(isLocalHost({ kind: "LIBVIRT", uri: "qemu:///system" })).toBe(true);
    expect(isLocalHost({ kind: "LIBVIRT", uri: "qemu+unix:///system" })).toBe(true);
    expect(isLocalHost({ kind: "LIBVIRT", uri: "qemu+ssh://root@lab2/system" })).toBe(false);
    expect(isLocalHost({ kind: "LIBVIRT", uri: "qemu+tls://lab2/system" })).toBe(false);
    expect(isLocalHost({ kind: "LIBVIRT", uri: "not a uri" })).toBe(false);
  });

  it("drops lab bridges to the host (DHCP/DNS to dnsmasq only on libvirt) and between lab bridges, in one replaceable table", () => {
    const script = isolationScript({
      dockerBridges: ["br-0123456789ab"],
      libvirtBridges: [{ name: "lpbr1234abcd", addresses: ["10.201.3.1"] }],
    });
    const lines = script.split("\n").map((l) => l.trim());
    expect(lines.slice(0, 3)).toEqual([
      "table inet lab_portal_isolation",
      "delete table inet lab_portal_isolation",
      "table inet lab_portal_isolation {",
    ]);
    expect(script).toContain('elements = { "br-0123456789ab", "lpbr1234abcd" }');
    expect(lines).toContain("ct state established,related accept");
    expect(lines).toContain('iifname @libvirt_bridges udp dport 67 accept comment "DHCP from dnsmasq"');
    expect(lines).toContain(
      'iifname "lpbr1234abcd" ip daddr 10.201.3.1 meta l4proto { tcp, udp } th dport 53 accept comment "DNS from dnsmasq"',
    );
    expect(lines).toContain('counter drop comment "lab machines do not reach the host"');
    expect(lines).toContain(
      'iifname "br-0123456789ab" oifname @lab_bridges oifname != "br-0123456789ab" counter drop comment "no traffic between lab networks"',
    );
    expect(script).not.toContain("lab_portal_vpn");
  });

  it("refuses names and addresses that are not interface names or IPv4 addresses", () => {
    expect(() => isolationScript({ dockerBridges: ['x"; flush ruleset; "'], libvirtBridges: [] })).toThrow(
      /Bad bridge name/,
    );
    expect(() =>
      isolationScript({ dockerBridges: [], libvirtBridges: [{ name: "lpbr1", addresses: ["1.2.3.4; drop"] }] }),
    ).toThrow(/Bad bridge address/);
  });
});

describe("container capabilities", () => {
  it("the defaults plus allowed extras only", () => {
    expect(capabilitiesFor(null)).toEqual([...DEFAULT_CAPABILITIES]);
    expect(capabilitiesFor(["NET_RAW", "SYS_ADMIN", "SYS_MODULE"])).toEqual([...DEFAULT_CAPABILITIES, "NET_RAW"]);
    expect(DEFAULT_CAPABILITIES).not.toContain("NET_RAW");
    expect(parseCapabilities("SYS_PTRACE,SYS_ADMIN,NET_RAW")).toEqual(["NET_RAW", "SYS_PTRACE"]);
    expect(parseCapabilities(null)).toEqual([]);
  });
});
