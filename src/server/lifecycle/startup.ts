// What happens before the portal answers its first request: migrations, the first admin.
import { env } from "@/env";
import { authSecret } from "@/server/auth/secret";
import { migrate } from "@/server/db/migrate";
import { ensureFirstAdmin } from "@/server/users/ensure-first-admin";

export async function prepareServer(log: (line: string) => void): Promise<void> {
  const result = await migrate(env().DATABASE_URL);
  log(`✓ database (${result.provider}): ${result.total} migrations, ${result.applied.length} applied now`);
  authSecret();
  await ensureFirstAdmin(log);
}
