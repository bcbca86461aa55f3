import { withAuth } from "@/server/http/route";
import { templatesRoutes } from "@/server/templates/routes";
import { deleteTemplate, getTemplate, updateTemplate } from "@/server/templates/templates";

export const GET = withAuth(({ actor, params }) => getTemplate(actor, params.id), templatesRoutes.get);
export const PATCH = withAuth(
  ({ actor, params, body, ip }) => updateTemplate({ actor, ip }, params.id, body),
  templatesRoutes.update,
);
export const DELETE = withAuth(
  ({ actor, params, ip }) => deleteTemplate({ actor, ip }, params.id),
  templatesRoutes.remove,
);
