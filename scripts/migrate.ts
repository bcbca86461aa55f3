// Applies the pending migrations of DATABASE_URL (SQLite or PostgreSQL) without starting the portal, as the
// portal does at every start: `npm run db:migrate`. Reads .env like server.ts (the environment wins).
import { existsSync } from "node:fs";
import { EnvError, parseEnv } from "@/env";
import { migrate } from "@/server/db/migrate";

if (existsSync(".env")) process.loadEnvFile(".env");
process.umask(0o077); // a new SQLite file is the portal user's only, as server.ts makes it
try {
  const { DATABASE_URL } = parseEnv();
  const result = await migrate(DATABASE_URL);
  console.log(
    `✓ database (${result.provider}): ${result.total} migrations, ${result.applied.length} applied now${result.applied.length ? `: ${result.applied.join(", ")}` : ""}`,
  );
} catch (error) {
  console.error(error instanceof EnvError ? error.message : `✗ migration failed: ${(error as Error).message}`);
  process.exit(1);
}
