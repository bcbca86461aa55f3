import { withAuth } from "@/server/http/route";
import { convertToTemplate } from "@/server/templates/install";
import { templatesRoutes } from "@/server/templates/routes";

export const POST = withAuth(
  ({ actor, params, ip }) => convertToTemplate({ actor, ip }, params.id),
  templatesRoutes.convert,
);
