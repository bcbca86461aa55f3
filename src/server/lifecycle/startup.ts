// What happens before the portal answers its first request: migrations, the first admin.
import { env } from "@/env";
import { authSecret } from "@/server/auth/secret";
import { migrate } from "@/server/db/migrate";
import { recoverJobs } from "@/server/jobs/jobs";
import { resumeInterruptedDeletes } from "@/server/machines/actions";
import { startReconciler, stopReconciler } from "@/server/machines/reconciler";
import { resetInterruptedUploads } from "@/server/templates/templates";
import { ensureFirstAdmin } from "@/server/users/ensure-first-admin";

export async function prepareServer(log: (line: string) => void): Promise<void> {
  const result = await migrate(env().DATABASE_URL);
  log(`✓ database (${result.provider}): ${result.total} migrations, ${result.applied.length} applied now`);
  authSecret();
  await ensureFirstAdmin(log);
  await import("@/server/machines/provision"); // registers the deploy job handler
  const uploads = await resetInterruptedUploads();
  if (uploads) log(`↻ ${uploads} interrupted template upload(s) reset`);
  const jobs = await recoverJobs(log);
  const deletes = await resumeInterruptedDeletes();
  if (jobs || deletes) log(`↻ recovery: ${jobs} job(s) resumed, ${deletes} delete(s) finished`);
  if (env().BACKGROUND_WORKERS) startReconciler(log);
}

export function stopBackgroundWork(): void {
  stopReconciler();
}
