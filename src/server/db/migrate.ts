// Applies the SQL migrations in prisma/migrations/<provider>/<name>/migration.sql in name order, each in its
// own transaction, recording name and checksum in _lab_migrations. A migration edited after it was applied
// stops the start with a clear message instead of drifting silently.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { isPostgres } from "@/env";
import { sqliteFilePath } from "./paths";

export type Migration = { name: string; sql: string; checksum: string };
export type MigrateResult = { provider: "sqlite" | "postgresql"; applied: string[]; total: number };

export function migrationsDir(provider: "sqlite" | "postgresql", root = process.cwd()): string {
  return join(root, "prisma", "migrations", provider);
}

export function readMigrations(dir: string): Migration[] {
  if (!existsSync(dir)) throw new Error(`No migrations folder at ${dir}`);
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

function checkHistory(applied: Map<string, string>, migrations: Migration[]): Migration[] {
  const known = new Set(migrations.map((m) => m.name));
  for (const name of applied.keys()) {
    if (!known.has(name)) {
      throw new Error(
        `The database has migration "${name}", which this version of Lab Portal does not know. Is the portal older than its database?`,
      );
    }
  }
  for (const m of migrations) {
    const sum = applied.get(m.name);
    if (sum !== undefined && sum !== m.checksum) {
      throw new Error(
        `Migration "${m.name}" was changed after it was applied (checksum mismatch). Restore the original file.`,
      );
    }
  }
  return migrations.filter((m) => !applied.has(m.name));
}

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS "_lab_migrations" ("name" TEXT PRIMARY KEY, "checksum" TEXT NOT NULL, "appliedAt" TEXT NOT NULL)`;

export async function migrate(url: string, root = process.cwd()): Promise<MigrateResult> {
  if (isPostgres(url)) return migratePostgres(url, root);
  return migrateSqlite(url, root);
}

function migrateSqlite(url: string, root: string): MigrateResult {
  const file = sqliteFilePath(url);
  mkdirSync(dirname(file), { recursive: true });
  const sqlite = new Database(file);
  try {
    sqlite.pragma("journal_mode = WAL");
    sqlite.pragma("busy_timeout = 5000");
    sqlite.exec(CREATE_TABLE);
    const rows = sqlite.prepare(`SELECT "name", "checksum" FROM "_lab_migrations"`).all() as {
      name: string;
      checksum: string;
    }[];
    const migrations = readMigrations(migrationsDir("sqlite", root));
    const pending = checkHistory(new Map(rows.map((r) => [r.name, r.checksum])), migrations);
    const insert = sqlite.prepare(`INSERT INTO "_lab_migrations" ("name", "checksum", "appliedAt") VALUES (?, ?, ?)`);
    for (const m of pending) {
      sqlite
        .transaction(() => {
          sqlite.exec(m.sql);
          insert.run(m.name, m.checksum, new Date().toISOString());
        })
        .immediate();
    }
    return { provider: "sqlite", applied: pending.map((m) => m.name), total: migrations.length };
  } finally {
    sqlite.close();
  }
}

async function migratePostgres(url: string, root: string): Promise<MigrateResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // One migrator at a time, even with several portal instances starting together.
    await client.query("SELECT pg_advisory_lock(715517)");
    await client.query(CREATE_TABLE);
    const { rows } = await client.query<{ name: string; checksum: string }>(
      `SELECT "name", "checksum" FROM "_lab_migrations"`,
    );
    const migrations = readMigrations(migrationsDir("postgresql", root));
    const pending = checkHistory(new Map(rows.map((r) => [r.name, r.checksum])), migrations);
    for (const m of pending) {
      await client.query("BEGIN");
      try {
        await client.query(m.sql);
        await client.query(`INSERT INTO "_lab_migrations" ("name", "checksum", "appliedAt") VALUES ($1, $2, $3)`, [
          m.name,
          m.checksum,
          new Date().toISOString(),
        ]);
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw new Error(`Migration "${m.name}" failed: ${(error as Error).message}`);
      }
    }
    return { provider: "postgresql", applied: pending.map((m) => m.name), total: migrations.length };
  } finally {
    await client.query("SELECT pg_advisory_unlock(715517)").catch(() => {});
    await client.end();
  }
}
