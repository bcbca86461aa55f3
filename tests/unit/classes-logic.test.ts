// Pure parts of the classroom slice: invite codes, their status and the allowed-address rule.
import { describe, expect, it } from "vitest";
import { emailAllowed, hashInviteCode, inviteStatus, newInviteCode } from "../../src/server/classes/invites";
import { ZCreateInvite } from "../../src/server/classes/routes";

describe("invite codes", () => {
  it("are 192 random bits, stored only as a SHA-256, with a short visible prefix", () => {
    const a = newInviteCode();
    const b = newInviteCode();
    expect(a.code).toMatch(/^lpi_[A-Za-z0-9_-]{32}$/);
    expect(Buffer.from(a.code.slice(4), "base64url")).toHaveLength(24);
    expect(a.code).not.toBe(b.code);
    expect(a.hash).toBe(hashInviteCode(a.code));
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(a.code.startsWith(a.prefix)).toBe(true);
    expect(a.prefix.length).toBeLessThan(12);
  });
});

describe("invite status", () => {
  const now = new Date("2026-11-23T12:00:00Z");
  const base = { revokedAt: null, expiresAt: null, maxUses: null, uses: 0 };
  it("is active, expired, revoked or used up — revoked wins, then expiry, then uses", () => {
    expect(inviteStatus(base, now)).toBe("active");
    expect(inviteStatus({ ...base, expiresAt: new Date("2026-11-23T11:59:59Z") }, now)).toBe("expired");
    expect(inviteStatus({ ...base, expiresAt: new Date("2026-11-23T12:00:01Z") }, now)).toBe("active");
    expect(inviteStatus({ ...base, maxUses: 3, uses: 3 }, now)).toBe("used-up");
    expect(inviteStatus({ ...base, maxUses: 3, uses: 2 }, now)).toBe("active");
    expect(inviteStatus({ ...base, revokedAt: now, maxUses: 1, uses: 1, expiresAt: new Date(0) }, now)).toBe("revoked");
  });
});

describe("allowed addresses", () => {
  it("accepts anyone when empty, else exact addresses and whole @domains only", () => {
    expect(emailAllowed("", "ana@any.org")).toBe(true);
    const list = "@school.example,guest@other.org";
    expect(emailAllowed(list, "Ana@School.Example")).toBe(true);
    expect(emailAllowed(list, "guest@other.org")).toBe(true);
    expect(emailAllowed(list, "ana@other.org")).toBe(false);
    expect(emailAllowed(list, "ana@evil-school.example")).toBe(false);
    expect(emailAllowed(list, "ana@school.example.evil.org")).toBe(false);
  });

  it("the create contract defaults to 7 days, allows never, and rejects bad entries", () => {
    expect(ZCreateInvite.parse({}).expiresInDays).toBe(7);
    expect(ZCreateInvite.parse({ expiresInDays: null }).expiresInDays).toBeNull();
    expect(ZCreateInvite.parse({ allowed: [" @School.Example "] }).allowed).toEqual(["@school.example"]);
    expect(ZCreateInvite.safeParse({ allowed: ["school"] }).success).toBe(false);
    expect(ZCreateInvite.safeParse({ maxUses: 0 }).success).toBe(false);
    expect(ZCreateInvite.safeParse({ expiresInDays: 400 }).success).toBe(false);
  });
});
