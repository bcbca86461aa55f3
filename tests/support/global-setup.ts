// vitest global setup for the integration project: one real portal for the run.
import type { TestProject } from "vitest/node";
import { removeMachinesOf } from "./host-cleanup";
import { startPortal, TEST_ADMIN } from "./portal-process";

declare module "vitest" {
  export interface ProvidedContext {
    portalUrl: string;
    databaseUrl: string;
    dataDir: string;
    /** The portal's pid and a file with its output so far (stdout and stderr). */
    portalPid: number;
    portalOutputFile: string;
    admin: { email: string; password: string };
  }
}

export default async function setup(project: TestProject) {
  const portal = await startPortal();
  project.provide("portalUrl", portal.url);
  project.provide("databaseUrl", portal.databaseUrl);
  project.provide("dataDir", portal.dataDir);
  project.provide("portalPid", portal.child.pid as number);
  project.provide("portalOutputFile", portal.outputFile);
  project.provide("admin", TEST_ADMIN);
  return async () => {
    const removed = await removeMachinesOf(portal.databaseUrl).catch(() => 0);
    if (removed) console.log(`(cleanup: ${removed} leftover machine(s) of this run removed from the hosts)`);
    const code = await portal.stop();
    if (code !== 0) console.error(`portal exited with ${code}:\n${portal.output().slice(-4000)}`);
  };
}
