import { describe, expect, it } from "vitest";
import { serialRebuild } from "@/server/jobs/serial-rebuild";

describe("serialRebuild", () => {
  it("never runs two at once, folds a burst into one follow-up, and resolves each caller after a run that began after its call", async () => {
    let running = 0;
    let most = 0;
    const starts: number[] = [];
    let release: (() => void) | null = null;
    const rebuild = serialRebuild(async () => {
      running++;
      most = Math.max(most, running);
      starts.push(Date.now());
      await new Promise<void>((r) => {
        release = r;
      });
      running--;
    });
    const first = rebuild();
    const burst = [rebuild(), rebuild(), rebuild()];
    expect(starts).toHaveLength(1);
    let settled = false;
    void Promise.all(burst).then(() => {
      settled = true;
    });
    (release as unknown as () => void)(); // first run ends: one follow-up for the whole burst starts
    await new Promise((r) => setTimeout(r, 10));
    expect(starts).toHaveLength(2);
    expect(settled).toBe(false); // the burst's changes are not in yet
    (release as unknown as () => void)();
    await Promise.all([first, ...burst]);
    expect(settled).toBe(true);
    expect(starts).toHaveLength(2);
    expect(most).toBe(1);
    // idle again: the next call starts a fresh run
    const next = rebuild();
    expect(starts).toHaveLength(3);
    (release as unknown as () => void)();
    await next;
  });
});
