import { describe, expect, it } from "vitest";
import { lockSecondsAfter } from "../../src/server/auth/throttle";

describe("sign-in backoff", () => {
  it("does not lock before the limit", () => {
    expect(lockSecondsAfter(0, 5, 900)).toBe(0);
    expect(lockSecondsAfter(4, 5, 900)).toBe(0);
  });
  it("locks 30 s at the limit and doubles after each further failure", () => {
    expect([5, 6, 7, 8].map((n) => lockSecondsAfter(n, 5, 900))).toEqual([30, 60, 120, 240]);
  });
  it("never locks longer than the maximum, even after very many failures", () => {
    expect(lockSecondsAfter(10, 5, 900)).toBe(900);
    expect(lockSecondsAfter(10_000, 5, 900)).toBe(900);
  });
});
