// The set-up many integration files share: Docker assets present, an admin signed in, the test hosts registered
// and a container template to make machines from.
import { requireAssets } from "./assets";
import type { PortalClient } from "./client";
import { createContainerTemplate, ensureHosts } from "./machines";
import { signedInAdmin } from "./users";

export async function containerLab(): Promise<{ admin: PortalClient; templateId: string }> {
  await requireAssets("docker");
  const admin = await signedInAdmin();
  await ensureHosts(admin);
  return { admin, templateId: await createContainerTemplate(admin) };
}
