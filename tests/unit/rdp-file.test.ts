// The .rdp text builder: one line per setting, CRLF, values that cannot break the format.
import { describe, expect, it } from "vitest";
import { rdpFile } from "../../src/server/rdp/rdp-file";

describe("rdpFile", () => {
  const base = { address: "10.20.0.5", port: 3389, username: "student", clipboard: true, gateway: "", title: "PC 1" };

  it("writes address:port, username and secure defaults as CRLF lines", () => {
    const text = rdpFile(base);
    expect(text.endsWith("\r\n")).toBe(true);
    const lines = text.split("\r\n");
    for (const l of [
      "full address:s:10.20.0.5:3389",
      "username:s:student",
      "redirectclipboard:i:1",
      "redirectdrives:i:0",
      "redirectprinters:i:0",
      "redirectsmartcards:i:0",
      "gatewayusagemethod:i:0",
    ]) {
      expect(lines).toContain(l);
    }
    expect(rdpFile({ ...base, clipboard: false }).split("\r\n")).toContain("redirectclipboard:i:0");
  });

  it("adds the RD Gateway when set, and strips line breaks from values", () => {
    const lines = rdpFile({ ...base, gateway: "gw.example.edu", username: "a\r\nredirectdrives:i:1" }).split("\r\n");
    expect(lines).toContain("gatewayhostname:s:gw.example.edu");
    expect(lines).toContain("gatewayusagemethod:i:1");
    expect(lines.filter((l) => l.startsWith("redirectdrives:"))).toEqual(["redirectdrives:i:0"]);
  });
});
