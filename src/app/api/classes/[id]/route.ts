import { deleteClass, getClass, updateClass } from "@/server/classes/classes";
import { classesRoutes } from "@/server/classes/routes";
import { withAuth } from "@/server/http/route";

export const GET = withAuth(({ actor, params }) => getClass(actor, params.id), classesRoutes.get);
export const PATCH = withAuth(({ ctx, params, body }) => updateClass(ctx, params.id, body), classesRoutes.update);
export const DELETE = withAuth(
  ({ ctx, params, query }) => deleteClass(ctx, params.id, query.confirmMachines),
  classesRoutes.remove,
);
