import { withAuth } from "@/server/http/route";
import { startInstall } from "@/server/templates/install";
import { templatesRoutes } from "@/server/templates/routes";

export const POST = withAuth(
  ({ actor, params, ip }) => startInstall({ actor, ip }, params.id),
  templatesRoutes.install,
);
