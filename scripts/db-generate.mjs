#!/usr/bin/env node
// Generates both Prisma clients (SQLite and PostgreSQL) from prisma/schema.prisma.
// Prisma's CLI checks for a native schema engine even for `generate`, which it never runs there; pointing
// PRISMA_SCHEMA_ENGINE_BINARY at a stand-in keeps it from trying to download one.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
export const SQLITE_SCHEMA = join(root, "prisma/schema.prisma");
export const POSTGRES_SCHEMA = join(root, "prisma/postgresql/schema.prisma");

export function postgresSchemaFrom(sqliteSchema) {
  const out = sqliteSchema
    .replace('provider = "sqlite"', 'provider = "postgresql"')
    .replace('output   = "../src/generated/sqlite"', 'output   = "../../src/generated/postgresql"');
  if (out === sqliteSchema) throw new Error("prisma/schema.prisma: provider or output line not found");
  return `// GENERATED from prisma/schema.prisma by scripts/db-generate.mjs — do not edit.\n${out}`;
}

export function writePostgresSchema() {
  mkdirSync(dirname(POSTGRES_SCHEMA), { recursive: true });
  writeFileSync(POSTGRES_SCHEMA, postgresSchemaFrom(readFileSync(SQLITE_SCHEMA, "utf8")));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writePostgresSchema();
  const env = { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: "/bin/false", PRISMA_HIDE_UPDATE_MESSAGE: "1" };
  for (const schema of [SQLITE_SCHEMA, POSTGRES_SCHEMA]) {
    execFileSync(join(root, "node_modules/.bin/prisma"), ["generate", "--schema", schema], {
      cwd: root,
      env,
      stdio: ["ignore", "ignore", "inherit"],
    });
  }
  console.log("✓ Prisma clients generated (sqlite, postgresql)");
}
