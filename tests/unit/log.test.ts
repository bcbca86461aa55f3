// The one logger (src/server/log.ts): JSON lines that parse, LOG_LEVEL as a filter, secrets redacted by field
// name, per-request fields carried through async code without parameters, and console.* routed through it.
import { describe, expect, it } from "vitest";
import {
  addLogFields,
  createLogger,
  type LogLevel,
  logger,
  requestId,
  routeConsole,
  withLogFields,
} from "../../src/server/log";

function capture(level: LogLevel = "trace") {
  const lines: string[] = [];
  const log = createLogger(level, { write: (line: string) => void lines.push(line) });
  return { log, lines, parsed: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe("logger", () => {
  it("writes one JSON object per line with level, time and msg", () => {
    const { log, lines, parsed } = capture();
    log.info({ machineId: "m1" }, "machine started");
    log.error({ err: new Error("boom") }, "it failed");
    expect(lines.every((l) => l.endsWith("\n") && !l.slice(0, -1).includes("\n"))).toBe(true);
    const [a, b] = parsed();
    expect(a).toMatchObject({ level: "info", msg: "machine started", machineId: "m1" });
    expect(new Date(a?.time as string).getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(b).toMatchObject({ level: "error", msg: "it failed", err: { message: "boom", type: "Error" } });
    expect(String((b?.err as { stack?: string } | undefined)?.stack)).toContain("at ");
  });

  const cases: [LogLevel, string[]][] = [
    ["trace", ["trace", "debug", "info", "warn", "error", "fatal"]],
    ["debug", ["debug", "info", "warn", "error", "fatal"]],
    ["info", ["info", "warn", "error", "fatal"]],
    ["warn", ["warn", "error", "fatal"]],
    ["error", ["error", "fatal"]],
    ["silent", []],
  ];
  it.each(cases)("LOG_LEVEL=%s keeps %j", (level, kept) => {
    const { log, parsed } = capture(level);
    for (const l of ["trace", "debug", "info", "warn", "error", "fatal"] as const) log[l]("x");
    expect(parsed().map((l) => l.level)).toEqual(kept);
  });

  it("redacts fields named like secrets, at the top and one object down", () => {
    const { log, lines, parsed } = capture();
    log.info(
      {
        password: "hunter2-top",
        token: "lpt_secret-token",
        body: { password: "hunter2-body", newPassword: "hunter3", name: "kept" },
        req: { headers: { authorization: "Bearer lpt_abc", cookie: "session=xyz", accept: "*/*" } },
        ticket: "ticket-value",
        secret: "s3cr3t",
      },
      "signed in",
    );
    const text = lines.join("");
    for (const secret of ["hunter2", "hunter3", "lpt_", "session=xyz", "ticket-value", "s3cr3t"])
      expect(text).not.toContain(secret);
    const [line] = parsed();
    expect(line).toMatchObject({ password: "[redacted]", body: { name: "kept" }, req: { headers: { accept: "*/*" } } });
  });
});

describe("log context", () => {
  it("gives code deep down the request's fields without parameters, also after awaits", async () => {
    const deepDown = async () => {
      await new Promise((r) => setTimeout(r, 5));
      return logger().bindings();
    };
    const seen = await withLogFields({ reqId: "r-1" }, async () => {
      addLogFields({ actorId: "u-1" });
      return deepDown();
    });
    expect(seen).toMatchObject({ reqId: "r-1", actorId: "u-1" });
    // outside: the process's logger, and concurrent contexts do not mix
    expect(logger().bindings()).not.toHaveProperty("reqId");
    const both = await Promise.all(["a", "b"].map((id) => withLogFields({ jobId: id }, deepDown)));
    expect(both.map((b) => b.jobId)).toEqual(["a", "b"]);
  });

  it("keeps a short safe X-Request-Id and replaces anything else", () => {
    expect(requestId("abc-123_x.y:z")).toBe("abc-123_x.y:z");
    for (const bad of [null, "", "has space", "a".repeat(65), "new\nline", '"quoted"', "<script>"])
      expect(requestId(bad)).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("console routing", () => {
  it("sends console.* through the logger at the matching level (LOG_LEVEL applies), an Error as err, no blank lines", () => {
    const { log, parsed } = capture("info");
    const noop = (..._args: unknown[]) => {};
    const target = { debug: noop, info: noop, log: noop, warn: noop, error: noop };
    routeConsole(target, () => log);
    target.debug("dropped below info");
    target.log("ready on %d", 3000);
    target.info("info line");
    target.error();
    target.error("");
    target.warn("careful");
    target.error("[jobs] job j1 crashed", new Error("disk full"));
    expect(parsed().map((l) => [l.level, l.msg])).toEqual([
      ["info", "ready on 3000"],
      ["info", "info line"],
      ["warn", "careful"],
      ["error", "[jobs] job j1 crashed"],
    ]);
    expect(parsed()[3]?.err).toMatchObject({ message: "disk full" });
  });
});
