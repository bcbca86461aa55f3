// The migrator against the database this run uses (SQLite file, or PostgreSQL when TEST_DATABASE=postgres).
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { migrate, migrationsDir, readMigrations } from "../../src/server/db/migrate";
import { createTestDatabase, ROOT } from "../support/portal-process";

const dir = mkdtempSync(join(tmpdir(), "lab-migrate-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe(`migrator (${process.env.TEST_DATABASE ?? "sqlite"})`, () => {
  it("applies every migration on an empty database, then nothing on the next start", async () => {
    const database = await createTestDatabase(undefined, dir);
    try {
      const provider = database.url.startsWith("file:") ? "sqlite" : "postgresql";
      const count = readMigrations(migrationsDir(provider, ROOT)).length;
      const first = await migrate(database.url, ROOT);
      expect(first.applied).toHaveLength(count);
      const second = await migrate(database.url, ROOT);
      expect(second.applied).toEqual([]);
      expect(second.total).toBe(count);
    } finally {
      await database.drop();
    }
  });

  it("refuses to start when an applied migration was edited afterwards", async () => {
    const database = await createTestDatabase(undefined, mkdtempSync(join(dir, "edited-")));
    const fakeRoot = mkdtempSync(join(tmpdir(), "lab-migrate-root-"));
    try {
      cpSync(join(ROOT, "prisma"), join(fakeRoot, "prisma"), { recursive: true });
      await migrate(database.url, fakeRoot);
      const provider = database.url.startsWith("file:") ? "sqlite" : "postgresql";
      const [first] = readMigrations(migrationsDir(provider, fakeRoot));
      writeFileSync(
        join(migrationsDir(provider, fakeRoot), first!.name, "migration.sql"),
        `${first!.sql}\n-- edited\n`,
      );
      await expect(migrate(database.url, fakeRoot)).rejects.toThrow(/was changed after it was applied/);
    } finally {
      await database.drop();
      rmSync(fakeRoot, { recursive: true, force: true });
    }
  });
});
