// Who may read /metrics: addresses in METRICS_ALLOW, or the scrape token; everyone else gets the error table's
// 401 (a token is configured: send it) or 403 (none is).
import { describe, expect, it } from "vitest";
import { parseEnv } from "@/env";
import { addressAllowed, metricsRefusal } from "@/server/metrics/access";
import { DEFAULT_METRICS_ALLOW, parseAllowList } from "@/server/metrics/allow-list";

const TOKEN = "scrape-token-0123456789abcdef";
const loopback = parseAllowList(DEFAULT_METRICS_ALLOW).list;

describe("metrics access", () => {
  it("parses CIDR lists of both families and names bad entries", () => {
    const { list, errors } = parseAllowList("10.0.0.0/8, 192.0.2.7 fd00::/8\n::1/128");
    expect(errors).toEqual([]);
    for (const ip of ["10.1.2.3", "192.0.2.7", "fd12::5", "::1", "::ffff:10.9.9.9"])
      expect(addressAllowed(list, ip)).toBe(true);
    for (const ip of ["11.0.0.1", "192.0.2.8", "fe80::1", "127.0.0.1", "", null, "not-an-ip"])
      expect(addressAllowed(list, ip)).toBe(false);
    expect(parseAllowList("10.0.0.0/33, 300.1.1.1, ::1/129, a/b, 10.0.0.0/8/1").errors).toHaveLength(5);
    const none = parseAllowList("none");
    expect(none.errors).toEqual([]);
    expect(addressAllowed(none.list, "127.0.0.1")).toBe(false);
  });

  it("allows loopback only by default", () => {
    expect(addressAllowed(loopback, "127.0.0.1")).toBe(true);
    expect(addressAllowed(loopback, "::1")).toBe(true);
    expect(addressAllowed(loopback, "::ffff:127.0.0.1")).toBe(true);
    expect(addressAllowed(loopback, "127.0.0.2")).toBe(false);
    expect(addressAllowed(loopback, "10.0.0.1")).toBe(false);
  });

  it("accepts an allowed address or the right token; refuses everyone else with the error table's codes", () => {
    const rules = { allow: loopback, token: TOKEN };
    expect(metricsRefusal({ ip: "127.0.0.1" }, rules)).toBeNull();
    expect(metricsRefusal({ ip: "10.0.0.5", authorization: `Bearer ${TOKEN}` }, rules)).toBeNull();
    expect(metricsRefusal({ ip: "10.0.0.5", authorization: `bearer ${TOKEN}` }, rules)).toBeNull();

    const none = metricsRefusal({ ip: "10.0.0.5" }, rules);
    expect(none?.status).toBe(401);
    expect(none?.toBody().error.code).toBe("UNAUTHENTICATED");
    expect(none?.headers?.["WWW-Authenticate"]).toMatch(/^Bearer/);
    const wrong = metricsRefusal({ ip: "10.0.0.5", authorization: `Bearer ${TOKEN}x` }, rules);
    expect(wrong?.status).toBe(401);
    expect(wrong?.message).toMatch(/not valid/);
    expect(metricsRefusal({ ip: "10.0.0.5", authorization: `Basic ${TOKEN}` }, rules)?.status).toBe(401);

    // no token configured: only the allowed addresses, and a sent token does not help
    const noToken = { allow: loopback, token: null };
    expect(metricsRefusal({ ip: "127.0.0.1" }, noToken)).toBeNull();
    const refused = metricsRefusal({ ip: "10.0.0.5", authorization: `Bearer ${TOKEN}` }, noToken);
    expect(refused?.status).toBe(403);
    expect(refused?.toBody().error.code).toBe("FORBIDDEN");
    expect(refused?.message).toMatch(/METRICS_ALLOW/);
    expect(metricsRefusal({ ip: null }, noToken)?.status).toBe(403);
  });

  it("validates METRICS_ALLOW and METRICS_TOKEN at start", () => {
    expect(parseEnv({}).METRICS_ALLOW).toBe(DEFAULT_METRICS_ALLOW);
    expect(() => parseEnv({ METRICS_ALLOW: "10.0.0.0/8, nonsense" })).toThrow(/METRICS_ALLOW.*"nonsense"/);
    expect(() => parseEnv({ METRICS_TOKEN: "short" })).toThrow(/METRICS_TOKEN/);
    expect(parseEnv({ METRICS_TOKEN: TOKEN }).METRICS_TOKEN).toBe(TOKEN);
  });
});
