// Class housekeeping: kept disks past their retention are removed (at start, then every 10 minutes).
import { sweepKeptDisks } from "./publish";

const globalForClasses = globalThis as unknown as { __labClassTimer?: NodeJS.Timeout };

export function startClassMaintenance(log: (line: string) => void): void {
  if (globalForClasses.__labClassTimer) return;
  const tick = () =>
    sweepKeptDisks()
      .then((n) => n && log(`✓ ${n} kept disk(s) past their retention removed`))
      .catch((error) => console.error("[classes] kept-disk sweep failed", error));
  void tick();
  globalForClasses.__labClassTimer = setInterval(tick, 10 * 60_000);
  globalForClasses.__labClassTimer.unref();
}

export function stopClassMaintenance(): void {
  if (globalForClasses.__labClassTimer) clearInterval(globalForClasses.__labClassTimer);
  globalForClasses.__labClassTimer = undefined;
}
