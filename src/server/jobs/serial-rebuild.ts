// One rebuild at a time, and no change lost: for work that recomputes something whole from the current state (a
// firewall table from the database or the host's networks). A call while a run is in progress asks for one more
// run right after it; every caller's promise resolves only after a run that started after its call.

export function serialRebuild(work: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | null = null;
  let again = false;
  return () => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await work();
      } while (again);
    })().finally(() => {
      running = null;
    });
    return running;
  };
}
