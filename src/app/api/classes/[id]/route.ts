import { deleteClass, getClass, updateClass } from "@/server/classes/classes";
import { classesRoutes } from "@/server/classes/routes";
import { withAuth } from "@/server/http/route";

export const GET = withAuth(({ actor, params }) => getClass(actor, params.id), classesRoutes.get);
export const PATCH = withAuth(
  ({ actor, params, body, ip }) => updateClass({ actor, ip }, params.id, body),
  classesRoutes.update,
);
export const DELETE = withAuth(
  ({ actor, params, query, ip }) => deleteClass({ actor, ip }, params.id, query.confirmMachines),
  classesRoutes.remove,
);
