import { publishBase } from "@/server/classes/publish";
import { classesRoutes } from "@/server/classes/routes";
import { withAuth } from "@/server/http/route";

export const POST = withAuth(({ ctx, params, body }) => publishBase(ctx, params.id, body.retry), classesRoutes.publish);
