import { withAuth } from "@/server/http/route";
import { convertToTemplate } from "@/server/templates/install";
import { templatesRoutes } from "@/server/templates/routes";

export const POST = withAuth(({ ctx, params }) => convertToTemplate(ctx, params.id), templatesRoutes.convert);
