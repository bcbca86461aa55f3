// Test files about several portal instances on one database: a second real portal on the test database, and
// the usual set-up around it (a container template on the local Docker host).
import { afterAll, beforeAll, inject } from "vitest";
import { requireAssets } from "./assets";
import { PortalClient } from "./client";
import { createContainerTemplate, ensureHosts, waitFor } from "./machines";
import { type PortalProcess, startPortal } from "./portal-process";
import { signedInAdmin, testDb } from "./users";

/** A second portal instance on the test database, with its admin signed in. By default it starts once earlier
 * tests' jobs and deletes are done, so each instance's log tells only of its own work. */
export async function secondInstance(
  options: { whenQuiet?: boolean } = {},
): Promise<{ portal: PortalProcess; admin: PortalClient }> {
  if (options.whenQuiet !== false)
    await waitFor(
      "no work in progress",
      async () =>
        (await testDb().machine.count({ where: { state: "DELETING" } })) +
        (await testDb().job.count({ where: { status: { in: ["PENDING", "RUNNING"] } } })),
      (n) => n === 0,
      60_000,
    );
  // a development portal needs its own build folder; a production build is shared
  const devDir: Record<string, string> = process.env.PORTAL_TEST_DEV
    ? { NEXT_DIST_DIR: `${process.env.PORTAL_TEST_DEV_DIR ?? ".next-test-dev"}-second` }
    : {};
  const portal = await startPortal({
    reuse: { databaseUrl: inject("databaseUrl"), dataDir: inject("dataDir") },
    env: devDir,
  });
  const admin = new PortalClient(portal.url);
  const { email, password } = inject("admin");
  const error = await admin.signIn(email, password);
  if (error) {
    await portal.stop();
    throw new Error(`admin sign-in on the second instance failed: ${error}`);
  }
  return { portal, admin };
}

export type InstanceLab = {
  admin: PortalClient;
  templateId: string;
  dockerHostId: string;
  second: PortalProcess | null;
};

/** beforeAll/afterAll of such a file: the admin, the hosts, a container template and (unless the tests start it
 * themselves) the second instance, stopped at the end. */
export function instanceLab(options: { startSecond?: boolean } = {}): InstanceLab {
  const lab = { second: null } as InstanceLab;
  beforeAll(async () => {
    await requireAssets("docker");
    lab.admin = await signedInAdmin();
    lab.dockerHostId = (await ensureHosts(lab.admin)).docker;
    lab.templateId = await createContainerTemplate(lab.admin);
    if (options.startSecond !== false) lab.second = (await secondInstance()).portal;
  }, 240_000);
  afterAll(async () => {
    await lab.second?.stop();
  });
  return lab;
}
