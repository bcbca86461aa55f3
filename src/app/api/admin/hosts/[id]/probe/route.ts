import { getHost, probeHost } from "@/server/hosts/hosts";
import { hostsRoutes } from "@/server/hosts/routes";
import { withAuth } from "@/server/http/route";

export const POST = withAuth(async ({ params }) => {
  await probeHost(params.id);
  return getHost(params.id);
}, hostsRoutes.probe);
