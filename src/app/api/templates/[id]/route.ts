import { withAuth } from "@/server/http/route";
import { templatesRoutes } from "@/server/templates/routes";
import { deleteTemplate, getTemplate, updateTemplate } from "@/server/templates/templates";

export const GET = withAuth(({ actor, params }) => getTemplate(actor, params.id), templatesRoutes.get);
export const PATCH = withAuth(
  ({ actor, params, body, ip }) => updateTemplate(actor, params.id, body, ip),
  templatesRoutes.update,
);
export const DELETE = withAuth(({ actor, params, ip }) => deleteTemplate(actor, params.id, ip), templatesRoutes.remove);
