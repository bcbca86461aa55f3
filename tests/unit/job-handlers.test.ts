// Job handlers live in one table (src/server/jobs/handlers.ts): every job kind has one, and every kind the
// server creates jobs of is a known kind.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { JOB_KINDS } from "@/lib/job-kinds";
import { JOB_HANDLERS } from "@/server/jobs/handlers";

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith(".ts") ? [path] : [];
  });
}

describe("job handler table", () => {
  it("has exactly one handler, with run and cleanup, for every job kind", () => {
    expect(Object.keys(JOB_HANDLERS).sort()).toEqual([...JOB_KINDS].sort());
    for (const kind of JOB_KINDS) {
      expect(typeof JOB_HANDLERS[kind].run, kind).toBe("function");
      expect(typeof JOB_HANDLERS[kind].cleanup, kind).toBe("function");
    }
  });

  it("knows every kind the server creates jobs of", () => {
    const created = new Set<string>();
    for (const file of sources("src/server")) {
      const text = readFileSync(file, "utf8");
      for (const m of text.matchAll(/\bjobKind: "([^"]+)"/g)) created.add(String(m[1]));
      for (const m of text.matchAll(/job\.create\(\{\s*data: \{\s*kind: "([^"]+)"/g)) created.add(String(m[1]));
    }
    expect(created.size).toBeGreaterThan(0);
    for (const kind of created) expect(JOB_KINDS as readonly string[], kind).toContain(kind);
  });
});
