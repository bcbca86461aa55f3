// Pure pieces of API tokens: the token.use coalescer (at most one event per token per minute, with a count),
// token status, and the create-token contract (name, scopes, expiry days).
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { logger } from "@/server/log";
import { ZCreateToken } from "@/server/tokens/routes";
import { tokenStatus } from "@/server/tokens/token-row";
import { type TokenUse, TokenUseCoalescer, type TokenUseEvent } from "@/server/tokens/usage";

const use = (tokenId: string, method = "GET", path = "/api/machines", ip = "10.0.0.1"): TokenUse => ({
  tokenId,
  tokenName: `name of ${tokenId}`,
  actor: { id: "u1", email: "u1@test.local" },
  ip,
  method,
  path,
});

describe("token.use coalescing", () => {
  let now = 1_000_000;
  let events: TokenUseEvent[];
  let c: TokenUseCoalescer;

  beforeEach(() => {
    vi.useFakeTimers();
    now = 1_000_000;
    events = [];
    c = new TokenUseCoalescer(
      async (e) => {
        events.push(e);
      },
      60_000,
      () => now,
    );
  });
  afterEach(() => vi.useRealTimers());

  const advance = (ms: number) => {
    now += ms;
    vi.advanceTimersByTime(ms);
  };

  it("writes the first use at once, with method, path and a count of 1", () => {
    c.record(use("t1", "POST", "/api/machines/m1/start"));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      tokenId: "t1",
      tokenName: "name of t1",
      ip: "10.0.0.1",
      details: { method: "POST", path: "/api/machines/m1/start", count: 1 },
    });
  });

  it("counts further uses within the minute and writes them as one event when the minute is up", () => {
    c.record(use("t1"));
    advance(1000);
    for (let i = 0; i < 5; i++) c.record(use("t1", "GET", "/api/machines"));
    c.record(use("t1", "DELETE", "/api/machines/x", "10.0.0.2"));
    expect(events).toHaveLength(1);
    expect(c.pendingCount("t1")).toBe(6);
    advance(58_000);
    expect(events).toHaveLength(1);
    advance(1000);
    expect(events).toHaveLength(2);
    expect(events[1]?.details).toMatchObject({
      method: "GET",
      path: "/api/machines",
      count: 6,
      requests: { "GET /api/machines": 5, "DELETE /api/machines/x": 1 },
    });
    expect(events[1]?.ip).toBe("10.0.0.2"); // the last use's address
    expect(c.pendingCount("t1")).toBe(0);
  });

  it("never writes more than one event per token per minute under steady use", () => {
    for (let s = 0; s < 300; s++) {
      c.record(use("t1"));
      advance(1000);
    }
    // 300 s of one request a second: the first at once, then one summary a minute
    expect(events.length).toBeLessThanOrEqual(6);
    expect(events.reduce((n, e) => n + e.details.count, 0) + c.pendingCount("t1")).toBe(300);
    const times = events.map((e) => e.at.getTime());
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(59_000);
  });

  it("writes a use after a quiet minute at once again, and keeps tokens apart", () => {
    c.record(use("t1"));
    c.record(use("t2"));
    expect(events.map((e) => e.tokenId)).toEqual(["t1", "t2"]);
    advance(61_000);
    c.record(use("t1"));
    expect(events).toHaveLength(3);
    expect(events[2]?.details.count).toBe(1);
  });

  it("flush() writes what is still counted (shutdown)", async () => {
    c.record(use("t1"));
    c.record(use("t1"));
    c.record(use("t1"));
    await c.flush();
    expect(events).toHaveLength(2);
    expect(events[1]?.details.count).toBe(2);
  });

  it("a failing write is caught and logged, never thrown at the request", async () => {
    const error = vi.spyOn(logger(), "error").mockImplementation(() => {});
    const failing = new TokenUseCoalescer(
      () => Promise.reject(new Error("db down")),
      60_000,
      () => now,
    );
    const throwing = new TokenUseCoalescer(
      () => {
        throw new Error("sync failure");
      },
      60_000,
      () => now,
    );
    expect(() => failing.record(use("t1"))).not.toThrow();
    expect(() => throwing.record(use("t1"))).not.toThrow();
    await failing.flush();
    await throwing.flush();
    expect(error).toHaveBeenCalledTimes(2);
    error.mockRestore();
  });
});

describe("token status", () => {
  const now = new Date("2025-06-01T12:00:00Z");
  it("is revoked, expired or active", () => {
    expect(tokenStatus({ revokedAt: new Date("2025-05-01"), expiresAt: new Date("2026-01-01") }, now)).toBe("revoked");
    expect(tokenStatus({ revokedAt: null, expiresAt: new Date("2025-06-01T12:00:00Z") }, now)).toBe("expired");
    expect(tokenStatus({ revokedAt: null, expiresAt: new Date("2025-06-01T12:00:01Z") }, now)).toBe("active");
    expect(tokenStatus({ revokedAt: null, expiresAt: null }, now)).toBe("active");
  });
});

describe("create-token contract", () => {
  it("defaults to 90 days, trims the name and drops repeated scopes", () => {
    expect(ZCreateToken.parse({ name: "  ci  ", scopes: ["read", "read", "write"] })).toEqual({
      name: "ci",
      scopes: ["read", "write"],
      expiresInDays: 90,
    });
  });

  it("refuses an empty or long name, no or unknown scopes, and expiry outside 1–365 whole days", () => {
    const bad = [
      { name: " ", scopes: ["read"] },
      { name: "x".repeat(81), scopes: ["read"] },
      { name: "ok", scopes: [] },
      { name: "ok", scopes: ["root"] },
      { name: "ok", scopes: ["read"], expiresInDays: 0 },
      { name: "ok", scopes: ["read"], expiresInDays: 366 },
      { name: "ok", scopes: ["read"], expiresInDays: 1.5 },
      { name: "ok", scopes: ["read"], expiresInDays: "never" },
    ];
    for (const input of bad) expect(ZCreateToken.safeParse(input).success, JSON.stringify(input)).toBe(false);
    expect(ZCreateToken.parse({ name: "x".repeat(80), scopes: ["admin"], expiresInDays: 365 }).expiresInDays).toBe(365);
    expect(ZCreateToken.parse({ name: "ok", scopes: ["read"], expiresInDays: 1 }).expiresInDays).toBe(1);
  });
});
