// The rule for desktop-client files (#14 item 17): which .vv address a host gives, and when an .rdp address is
// reachable (RD Gateway, or the lab VPN on and routing the machine's network).
import { describe, expect, it } from "vitest";
import {
  inNetworks,
  isLocalOnly,
  RDP_UNREACHABLE_REFUSAL,
  rdpRefusal,
  vvAddress,
} from "../../src/lib/native-downloads";

describe("native downloads", () => {
  it("treats loopback and unspecified addresses as local only", () => {
    for (const a of ["127.0.0.1", "127.1.2.3", "0.0.0.0", "::", "::1", "localhost", "", "::ffff:127.0.0.1"])
      expect(isLocalOnly(a), a).toBe(true);
    for (const a of ["10.0.0.5", "192.168.1.2", "lab.example.edu", "2001:db8::1"])
      expect(isLocalOnly(a), a).toBe(false);
  });

  it("a .vv names the public console address, else a reachable console address, else nothing", () => {
    expect(vvAddress({ consoleAddress: "127.0.0.1", publicConsoleAddress: null })).toBeNull();
    expect(vvAddress({ consoleAddress: "127.0.0.1", publicConsoleAddress: "  " })).toBeNull();
    expect(vvAddress({ consoleAddress: "127.0.0.1", publicConsoleAddress: "consoles.lab.example" })).toBe(
      "consoles.lab.example",
    );
    expect(vvAddress({ consoleAddress: "10.0.0.5", publicConsoleAddress: null })).toBe("10.0.0.5");
  });

  it("matches IPv4 addresses against networks", () => {
    expect(inNetworks("192.168.77.20", ["192.168.77.0/24"])).toBe(true);
    expect(inNetworks("192.168.78.20", ["192.168.77.0/24"])).toBe(false);
    expect(inNetworks("10.1.2.3", ["0.0.0.0/0"])).toBe(true);
    expect(inNetworks("10.1.2.3", ["garbage", "10.1.2.3/32"])).toBe(true);
    expect(inNetworks("fe80::1", ["10.0.0.0/8"])).toBe(false);
  });

  it("an .rdp address is reachable through a gateway or a VPN that routes it", () => {
    expect(rdpRefusal("192.168.77.20", { vpnEnabled: false, labNetworks: [], gateway: "" })).toBe(
      RDP_UNREACHABLE_REFUSAL,
    );
    expect(rdpRefusal("192.168.77.20", { vpnEnabled: false, labNetworks: ["192.168.77.0/24"], gateway: "" })).toBe(
      RDP_UNREACHABLE_REFUSAL,
    );
    expect(rdpRefusal("192.168.77.20", { vpnEnabled: true, labNetworks: ["10.0.0.0/8"], gateway: "" })).toBe(
      RDP_UNREACHABLE_REFUSAL,
    );
    expect(rdpRefusal("192.168.77.20", { vpnEnabled: true, labNetworks: ["192.168.77.0/24"], gateway: "" })).toBeNull();
    expect(rdpRefusal("192.168.77.20", { vpnEnabled: false, labNetworks: [], gateway: "rdgw.example:443" })).toBeNull();
  });
});
