import { createClass, listClasses } from "@/server/classes/classes";
import { classesRoutes } from "@/server/classes/routes";
import { withAuth } from "@/server/http/route";

export const GET = withAuth(({ actor, query }) => listClasses(actor, query.archived === "true"), classesRoutes.list);
export const POST = withAuth(({ ctx, body }) => createClass(ctx, body), classesRoutes.create);
