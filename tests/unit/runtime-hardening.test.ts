// The process-wide pieces server.ts applies before anything else: HSTS only when PUBLIC_URL is https, and
// private file modes for data/ and logs/ (LOG_LEVEL and the logger: tests/unit/log.test.ts).
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { HSTS_VALUE, hstsHeader } from "../../src/server/http/hsts";
import { sqliteFiles, tightenTree } from "../../src/server/lifecycle/file-modes";

describe("HSTS", () => {
  it("is sent only when PUBLIC_URL is https", () => {
    expect(hstsHeader("https://labs.example.edu")).toBe(HSTS_VALUE);
    expect(HSTS_VALUE).toMatch(/^max-age=\d{8,}$/);
    expect(hstsHeader("http://labs.example.edu")).toBeNull();
    expect(hstsHeader(undefined)).toBeNull();
  });
});

describe("file modes", () => {
  it("makes folders 0700 and files 0600, leaving symlinks alone", () => {
    const root = mkdtempSync(join(tmpdir(), "lab-modes-"));
    try {
      mkdirSync(join(root, "images"), { mode: 0o755 });
      writeFileSync(join(root, "images", "a.qcow2"), "x");
      writeFileSync(join(root, "lab-portal.db"), "x");
      chmodSync(join(root, "images"), 0o755);
      chmodSync(join(root, "images", "a.qcow2"), 0o644);
      chmodSync(join(root, "lab-portal.db"), 0o644);
      chmodSync(root, 0o755);
      expect(tightenTree(root)).toBe(4);
      expect(lstatSync(root).mode & 0o777).toBe(0o700);
      expect(lstatSync(join(root, "images")).mode & 0o777).toBe(0o700);
      expect(lstatSync(join(root, "images", "a.qcow2")).mode & 0o777).toBe(0o600);
      expect(lstatSync(join(root, "lab-portal.db")).mode & 0o777).toBe(0o600);
      expect(tightenTree(root)).toBe(0);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("knows the SQLite companions of a file: URL", () => {
    expect(sqliteFiles("file:/srv/lab/data/db.sqlite").slice(0, 3)).toEqual([
      "/srv/lab/data/db.sqlite",
      "/srv/lab/data/db.sqlite-wal",
      "/srv/lab/data/db.sqlite-shm",
    ]);
    expect(sqliteFiles("postgresql://u:p@h/db")).toEqual([]);
  });
});
