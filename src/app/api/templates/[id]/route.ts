import { withAuth } from "@/server/http/route";
import { templatesRoutes } from "@/server/templates/routes";
import { deleteTemplate, getTemplate, updateTemplate } from "@/server/templates/templates";

export const GET = withAuth(({ actor, params }) => getTemplate(actor, params.id), templatesRoutes.get);
export const PATCH = withAuth(({ ctx, params, body }) => updateTemplate(ctx, params.id, body), templatesRoutes.update);
export const DELETE = withAuth(({ ctx, params }) => deleteTemplate(ctx, params.id), templatesRoutes.remove);
