// The one Prisma client, chosen by DATABASE_URL and kept on globalThis so server.ts and Next's module graph
// (which can load this file twice) share a single connection pool.
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { env, isPostgres } from "@/env";
import { PrismaClient as PostgresClient } from "@/generated/postgresql/client";
import { PrismaClient as SqliteClient } from "@/generated/sqlite/client";
import { observeDbQuery } from "@/server/metrics/record";
import { sqliteFilePath } from "./paths";

// Both generated clients have the same model API; the SQLite one's type stands for both.
export type Db = SqliteClient;

const globalForDb = globalThis as unknown as { __labPrisma?: Db };

export function createDb(url = env().DATABASE_URL): Db {
  if (isPostgres(url)) {
    const adapter = new PrismaPg({ connectionString: url, max: 10 });
    return timed(new PostgresClient({ adapter }) as unknown as Db);
  }
  const adapter = new PrismaBetterSqlite3({ url: `file:${sqliteFilePath(url)}` });
  return timed(new SqliteClient({ adapter }));
}

/** Every operation (model calls and raw queries, inside transactions too) observed in the query-latency metric. */
function timed(client: Db): Db {
  return client.$extends({
    query: {
      async $allOperations({ operation, args, query }) {
        const started = performance.now();
        try {
          return await query(args);
        } finally {
          observeDbQuery(operation, started);
        }
      },
    },
  }) as unknown as Db;
}

export function db(): Db {
  globalForDb.__labPrisma ??= createDb();
  return globalForDb.__labPrisma;
}

export async function disconnectDb(): Promise<void> {
  const client = globalForDb.__labPrisma;
  globalForDb.__labPrisma = undefined;
  await client?.$disconnect();
}
