import { describe, expect, it } from "vitest";
import { decodePart, encodeEvent } from "@/server/cluster/relay";
import type { PortalEvent } from "@/server/events/bus";

const event = (data: unknown): PortalEvent => ({
  type: "machine.updated",
  audience: { userIds: ["u1"], roles: ["ADMIN"] },
  data,
});

describe("event relay payloads", () => {
  it("sends a small event as one part and gives it back as it was, without the relayed mark", () => {
    const parts = encodeEvent(
      { ...event({ id: "m1", state: "RUNNING", name: "Lab – ünïcödé ✓" }), relayed: true },
      "inst-a",
    );
    expect(parts).toHaveLength(1);
    const got = decodePart(parts[0] as string, new Map());
    expect(got).toEqual({ origin: "inst-a", event: event({ id: "m1", state: "RUNNING", name: "Lab – ünïcödé ✓" }) });
    expect(got?.event.relayed).toBeUndefined();
  });

  it("splits a large event into parts under PostgreSQL's 8000-byte NOTIFY limit and puts them together in any order", () => {
    const big = event({ id: "m2", students: Array.from({ length: 3000 }, (_, i) => `student-${i}-ü`) });
    const parts = encodeEvent(big, "inst-a", "msg1");
    expect(parts.length).toBeGreaterThan(3);
    for (const p of parts) expect(Buffer.byteLength(p)).toBeLessThan(8000);
    const pending = new Map();
    const order = [...parts.keys()].reverse();
    const results = order.map((i) => decodePart(parts[i] as string, pending));
    expect(results.slice(0, -1).every((r) => r === null)).toBe(true);
    expect(results.at(-1)).toEqual({ origin: "inst-a", event: big });
    expect(pending.size).toBe(0);
  });

  it("keeps interleaved messages of two instances apart and forgets an incomplete one after 30 s", () => {
    const a = encodeEvent(event({ id: "a", pad: "x".repeat(20_000) }), "inst-a", "same-id");
    const b = encodeEvent(event({ id: "b", pad: "y".repeat(20_000) }), "inst-b", "same-id");
    const pending = new Map();
    const got: unknown[] = [];
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      for (const list of [a, b]) if (list[i]) got.push(decodePart(list[i] as string, pending, 1000)?.event.data);
    }
    expect(
      got
        .filter(Boolean)
        .map((d) => (d as { id: string }).id)
        .sort(),
    ).toEqual(["a", "b"]);
    decodePart(a[0] as string, pending, 1000);
    expect(pending.size).toBe(1);
    decodePart(encodeEvent(event({ id: "c" }), "inst-c")[0] as string, pending, 1000 + 31_000);
    expect(pending.size).toBe(0);
  });

  it("refuses a payload that is not a part", () => {
    expect(decodePart(JSON.stringify({ o: "x", id: "1", i: 2, n: 2, d: "" }), new Map())).toBeNull();
    expect(decodePart(JSON.stringify({ hello: "world" }), new Map())).toBeNull();
    expect(() => decodePart("not json", new Map())).toThrow();
  });
});
