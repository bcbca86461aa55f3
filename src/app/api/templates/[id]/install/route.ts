import { withAuth } from "@/server/http/route";
import { startInstall } from "@/server/templates/install";
import { templatesRoutes } from "@/server/templates/routes";

export const POST = withAuth(({ ctx, params }) => startInstall(ctx, params.id), templatesRoutes.install);
