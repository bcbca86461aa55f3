// The production build a benchmark serves: built when .next/BUILD_ID is missing, then copied to its own
// .next-bench-<pid> folder (served through NEXT_DIST_DIR, which next.config.mjs honours), so a rebuild of .next by
// someone else during the run cannot pull the files from under the benchmarked server. Shared by bench:api and
// bench:classroom.
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, readFileSync, rmSync } from "node:fs";
import { join, relative } from "node:path";
import { ROOT } from "../../tests/support/portal-process";

const nextDir = join(ROOT, ".next");
const buildLocked = () => existsSync(join(nextDir, "lock")) && !existsSync(join(nextDir, "BUILD_ID"));
const buildId = () =>
  existsSync(join(nextDir, "BUILD_ID")) ? readFileSync(join(nextDir, "BUILD_ID"), "utf8").trim() : null;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let snapshotDir: string | null = null;

/** Waits (bounded) for a `next build` someone else is running in this checkout to finish. */
async function waitForOtherBuild(log: (line: string) => void): Promise<void> {
  const deadline = Date.now() + 5 * 60_000;
  if (buildLocked()) log("another `next build` is running in this checkout; waiting for it (up to 5 min) …");
  while (buildLocked()) {
    if (Date.now() > deadline)
      throw new Error("a `next build` in this checkout did not finish within 5 minutes (.next/lock is still there).");
    await sleep(1_000);
  }
}

/** Builds when needed, snapshots the build and returns the snapshot's folder name (for NEXT_DIST_DIR). */
export async function prepareBuild(script: string, log: (line: string) => void): Promise<string> {
  await waitForOtherBuild(log);
  if (!buildId()) {
    log("No production build (.next/BUILD_ID is missing): running `npx next build` first …");
    try {
      execFileSync(join(ROOT, "node_modules", ".bin", "next"), ["build"], {
        cwd: ROOT,
        stdio: ["ignore", "inherit", "inherit"],
        env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NEXT_DIST_DIR: "" },
      });
    } catch (error) {
      throw new Error(`\`npx next build\` failed (${(error as Error).message}); fix the build, then rerun ${script}.`);
    }
    if (!buildId())
      throw new Error("`npx next build` finished but .next/BUILD_ID is still missing; run `npx next build` and rerun.");
  }
  const name = `.next-bench-${process.pid}`;
  const target = join(ROOT, name);
  for (let attempt = 1; ; attempt++) {
    const before = buildId();
    rmSync(target, { recursive: true, force: true });
    snapshotDir = target;
    cpSync(nextDir, target, {
      recursive: true,
      verbatimSymlinks: true, // .next/node_modules holds relative links to ../../../node_modules; same depth here
      filter: (src) => !["cache", "dev", "diagnostics", "trace", "lock"].includes(relative(nextDir, src)),
    });
    if (before && before === buildId() && !buildLocked() && existsSync(join(target, "BUILD_ID"))) return name;
    if (attempt >= 5)
      throw new Error("could not take a consistent copy of .next (it kept changing); rerun when no build is running.");
    await waitForOtherBuild(log);
  }
}

/** Removes the snapshot prepareBuild made (a no-op when there is none). */
export function removeSnapshot(): void {
  if (snapshotDir) rmSync(snapshotDir, { recursive: true, force: true });
  snapshotDir = null;
}
