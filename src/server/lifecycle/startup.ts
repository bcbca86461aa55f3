// What happens before the portal answers its first request: migrations, the first admin.
import { env } from "@/env";
import { authSecret } from "@/server/auth/secret";
import { startClassMaintenance, stopClassMaintenance } from "@/server/classes/maintenance";
import { sessionHeartbeat } from "@/server/cluster/console-heartbeat";
import { instanceId, liveInstances, startInstance, stopInstance } from "@/server/cluster/instance";
import { startEventRelay, stopEventRelay } from "@/server/cluster/relay";
import { db } from "@/server/db/client";
import { migrate } from "@/server/db/migrate";
import { hostTarget } from "@/server/hosts/target";
import { installJobHandlers } from "@/server/jobs/handlers";
import { recoverJobs } from "@/server/jobs/jobs";
import { resumeInterruptedDeletes } from "@/server/machines/actions";
import { startReconciler, stopReconciler } from "@/server/machines/reconciler";
import { providerFor } from "@/server/providers";
import { applyIsolation, isLocalHost, isolationError } from "@/server/providers/isolation";
import { startMeter, stopMeter } from "@/server/quotas/meter";
import { ensureDefaultPlans } from "@/server/quotas/plans";
import { resetInterruptedUploads } from "@/server/templates/upload";
import { flushTokenUse } from "@/server/tokens/usage";
import { ensureFirstAdmin } from "@/server/users/ensure-first-admin";
import { startVpn, stopVpn } from "@/server/vpn/service";

export async function prepareServer(log: (line: string) => void): Promise<void> {
  const result = await migrate(env().DATABASE_URL);
  log(`✓ database (${result.provider}): ${result.total} migrations, ${result.applied.length} applied now`);
  authSecret();
  await ensureFirstAdmin(log);
  await ensureDefaultPlans(log);
  installJobHandlers(); // every job kind's handler (jobs/handlers.ts), before jobs are recovered or started
  // other live instances on this database keep their own uploads, jobs and deletes
  const peers = [...(await liveInstances())].filter((id) => id !== instanceId()).length;
  if (peers) log(`  ${peers} other portal instance(s) on this database`);
  const uploads = peers ? 0 : await resetInterruptedUploads();
  if (uploads) log(`↻ ${uploads} interrupted template upload(s) reset`);
  await startEventRelay(log); // PostgreSQL: live updates to and from the other instances
  await isolateClassNetworks(log); // before any job deploys a machine
  // the instance lease and its heartbeat: this instance's consoles (and dead instances' console rows), and jobs
  // of instances that are gone (the first beat, now, resumes what a crash of this portal left)
  await startInstance([
    () =>
      sessionHeartbeat().then(
        (r) => r.swept && log(`↻ closed ${r.swept} console record(s) left open by a portal instance that stopped`),
      ),
    () => recoverJobs(log),
  ]);
  const deletes = await resumeInterruptedDeletes(peers ? 5 * 60_000 : 0);
  if (deletes) log(`↻ recovery: ${deletes} interrupted delete(s) resumed`);
  if (env().BACKGROUND_WORKERS) startReconciler(log);
  if (env().BACKGROUND_WORKERS) startClassMaintenance(log); // kept disks past their retention
  if (env().BACKGROUND_WORKERS) startMeter(log); // lab hours, warnings, hours and idle shutdown
  if (env().BACKGROUND_WORKERS) await startVpn(log); // PKI, server.conf, CRL schedule, firewall rebuilt now and on every change
}

/** Stops the loops at once; resolves when openvpn (if the portal runs it) and pending token-use counts are done. */
export async function stopBackgroundWork(): Promise<void> {
  stopReconciler();
  stopInstance();
  stopClassMaintenance();
  stopMeter();
  await Promise.allSettled([
    stopVpn(), // sends SIGTERM to openvpn at once when the portal runs it
    stopEventRelay(),
    flushTokenUse(), // token.use counts still waiting for their minute
  ]);
}

/** Class network isolation (nftables) on this machine: the local hosts' bridges are firewalled from the start. */
async function isolateClassNetworks(log: (line: string) => void): Promise<void> {
  const hosts = await db().host.findMany();
  const local = hosts.filter((h) => isLocalHost(h));
  for (const h of local) providerFor(hostTarget(h)); // a local Docker endpoint registers its networks' bridges
  await applyIsolation();
  const failed = isolationError();
  log(
    failed
      ? `✗ ${failed}`
      : `✓ class network isolation (nftables table inet lab_portal_isolation) on ${local.length} local host(s)`,
  );
}
