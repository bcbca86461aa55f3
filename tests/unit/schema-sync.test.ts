// prisma/schema.prisma is the source; a change to it without `npm run db:migration -- <name>` fails here.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { postgresSchemaFrom } from "../../scripts/db-generate.mjs";

const root = join(import.meta.dirname, "../..");
const read = (p: string) => readFileSync(join(root, p), "utf8");

describe("migrations match the schema", () => {
  it("SQLite migrations were generated from the current schema", () => {
    expect(read("prisma/migrations/sqlite/schema.snapshot.prisma")).toBe(read("prisma/schema.prisma"));
  });
  it("PostgreSQL migrations were generated from the current schema", () => {
    expect(read("prisma/migrations/postgresql/schema.snapshot.prisma")).toBe(
      postgresSchemaFrom(read("prisma/schema.prisma")),
    );
  });
});
