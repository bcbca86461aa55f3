import { withAuth } from "@/server/http/route";
import { templatesRoutes } from "@/server/templates/routes";
import { createTemplate, listTemplates } from "@/server/templates/templates";

export const GET = withAuth(({ actor }) => listTemplates(actor), templatesRoutes.list);
export const POST = withAuth(({ ctx, body }) => createTemplate(ctx, body), templatesRoutes.create);
