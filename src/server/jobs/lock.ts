// In-process mutex by name: placement and quota checks run one at a time so two requests can never both take
// the last free slot. (Several portal instances would use a PostgreSQL advisory lock here; see ARCHITECTURE.md.)
const globalForLocks = globalThis as unknown as { __labLocks?: Map<string, Promise<unknown>> };

export async function withLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
  globalForLocks.__labLocks ??= new Map();
  const locks = globalForLocks.__labLocks;
  const previous = locks.get(name) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(fn);
  const tail = run.catch(() => undefined);
  locks.set(name, tail);
  try {
    return await run;
  } finally {
    if (locks.get(name) === tail) locks.delete(name);
  }
}
