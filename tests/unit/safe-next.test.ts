import { describe, expect, it } from "vitest";
import { safeNextPath } from "../../src/lib/safe-next";

describe("safeNextPath", () => {
  const attacks: [string, unknown][] = [
    ["protocol-relative", "//evil.test"],
    ["backslash", "/\\evil.test"],
    ["backslash twice", "\\\\evil.test"],
    ["encoded backslash", "/%5Cevil.test"],
    ["encoded backslash, lower case", "/%5cevil.test"],
    ["encoded slashes", "/%2F%2Fevil.test"],
    ["encoded slash after one", "/%2Fevil.test"],
    ["double-encoded", "/%252F%252Fevil.test"],
    ["absolute https", "https://evil.test"],
    ["absolute http", "http://evil.test/path"],
    ["javascript", "javascript:alert(1)"],
    ["data", "data:text/html,hi"],
    ["tab", "/\t/evil.test"],
    ["newline", "/\n/evil.test"],
    ["carriage return", "/\r/evil.test"],
    ["encoded tab", "/%09/evil.test"],
    ["NUL", "/\u0000/evil.test"],
    ["backslash later", "/a\\..\\\\evil.test"],
    ["empty", ""],
    ["relative", "dashboard"],
    ["bad encoding", "/%E0%A4%A"],
    ["not a string", ["/a", "/b"]],
    ["undefined", undefined],
  ];
  for (const [name, raw] of attacks) {
    it(`refuses ${name}: ${JSON.stringify(raw)}`, () => {
      expect(safeNextPath(raw)).toBe("/");
    });
  }

  it("keeps same-origin paths with their query and hash", () => {
    expect(safeNextPath("/")).toBe("/");
    expect(safeNextPath("/machines")).toBe("/machines");
    expect(safeNextPath("/machines?x=1&y=2#top")).toBe("/machines?x=1&y=2#top");
    expect(safeNextPath("/join/abc_DEF-123")).toBe("/join/abc_DEF-123");
    expect(safeNextPath("/a/../profile")).toBe("/profile");
  });

  it("uses the fallback given", () => {
    expect(safeNextPath("//evil.test", "/dashboard")).toBe("/dashboard");
  });
});
