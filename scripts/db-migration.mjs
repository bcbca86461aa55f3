#!/usr/bin/env node
// Writes a new migration for both providers from the change in prisma/schema.prisma since the last one.
//   npm run db:migration -- <name>
// Uses Prisma's wasm schema engine (@prisma/schema-engine-wasm) to diff the schema snapshot stored with the
// previous migration against the current schema. The PostgreSQL engine needs a server to talk to (it does not
// change it): MIGRATION_PG_URL, default the local cluster that scripts/setup.sh starts.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import { SchemaEngine } from "@prisma/schema-engine-wasm";
import { postgresSchemaFrom } from "./db-generate.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const name = (process.argv[2] ?? "").replace(/[^a-z0-9_]/gi, "_").toLowerCase();
if (!name) {
  console.error("usage: npm run db:migration -- <name>");
  process.exit(2);
}
const pgUrl = process.env.MIGRATION_PG_URL ?? "postgresql://labportal:labportal@127.0.0.1:5432/labportal";
const current = readFileSync(join(root, "prisma/schema.prisma"), "utf8");
const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);

async function diff(factory, fromSchema, toSchema) {
  const engine = await SchemaEngine.new(
    { datamodels: [["schema.prisma", toSchema]] },
    () => {},
    bindMigrationAwareSqlAdapterFactory(factory),
  );
  const target = (content) =>
    content ? { tag: "schemaDatamodel", files: [{ path: "schema.prisma", content }] } : { tag: "empty" };
  const result = await engine.diff({
    from: target(fromSchema),
    to: target(toSchema),
    script: true,
    exitCode: null,
    filters: { externalTables: [], externalEnums: [] },
  });
  engine.free();
  return (result.stdout ?? "").trim();
}

let wrote = 0;
for (const provider of ["sqlite", "postgresql"]) {
  const dir = join(root, "prisma/migrations", provider);
  mkdirSync(dir, { recursive: true });
  const snapshotFile = join(dir, "schema.snapshot.prisma");
  const toSchema = provider === "sqlite" ? current : postgresSchemaFrom(current);
  const fromSchema = existsSync(snapshotFile) ? readFileSync(snapshotFile, "utf8") : null;
  const factory =
    provider === "sqlite"
      ? new PrismaBetterSqlite3({ url: "file::memory:" })
      : new PrismaPg({ connectionString: pgUrl });
  const sql = await diff(factory, fromSchema, toSchema);
  if (!sql || sql === "-- This is an empty migration.") {
    console.log(`✓ ${provider}: schema unchanged, no migration written`);
    continue;
  }
  const count = readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).length;
  const folder = join(dir, `${String(count + 1).padStart(4, "0")}_${stamp}_${name}`);
  mkdirSync(folder);
  writeFileSync(join(folder, "migration.sql"), `${sql}\n`);
  writeFileSync(snapshotFile, toSchema);
  wrote++;
  console.log(`✓ ${provider}: ${folder.slice(root.length + 1)}/migration.sql`);
}
process.exit(wrote >= 0 ? 0 : 1);
