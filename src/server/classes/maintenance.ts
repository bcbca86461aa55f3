// Class housekeeping: kept disks past their retention are removed (at start, then every 10 minutes); failed pool
// machines whose automatic retry is due are retried.
import { loopRan, loopStarted, loopStopped } from "@/server/health/loops";
import { runDueAutoRetries } from "@/server/jobs/retry";
import { logger } from "@/server/log";
import { sweepKeptDisks } from "./publish";

const globalForClasses = globalThis as unknown as {
  __labClassTimer?: NodeJS.Timeout;
  __labRetryTimer?: NodeJS.Timeout;
};

export function startClassMaintenance(log: (line: string) => void): void {
  if (globalForClasses.__labClassTimer) return;
  const tick = () =>
    sweepKeptDisks()
      .then((n) => n && log(`✓ ${n} kept disk(s) past their retention removed`))
      .catch((error) => logger().error({ err: error }, "[classes] kept-disk sweep failed"));
  void tick();
  globalForClasses.__labClassTimer = setInterval(tick, 10 * 60_000);
  globalForClasses.__labClassTimer.unref();
  // pool machines that failed are retried with backoff (jobs/retry.ts); the due ones are looked for every 15 s
  const retries = () =>
    runDueAutoRetries()
      .then((n) => {
        loopRan("pool-retries");
        if (n) log(`↻ ${n} failed pool machine(s) retried`);
      })
      .catch((error) => logger().error({ err: error }, "[classes] automatic retry failed"));
  loopStarted("pool-retries", 15);
  globalForClasses.__labRetryTimer = setInterval(retries, 15_000);
  globalForClasses.__labRetryTimer.unref();
}

export function stopClassMaintenance(): void {
  if (globalForClasses.__labClassTimer) clearInterval(globalForClasses.__labClassTimer);
  if (globalForClasses.__labRetryTimer) clearInterval(globalForClasses.__labRetryTimer);
  loopStopped("pool-retries");
  globalForClasses.__labClassTimer = undefined;
  globalForClasses.__labRetryTimer = undefined;
}
