import { removeCoOwner } from "@/server/classes/classes";
import { classesRoutes } from "@/server/classes/routes";
import { withAuth } from "@/server/http/route";

export const DELETE = withAuth(
  ({ actor, params, ip }) => removeCoOwner(actor, params.id, params.userId, ip),
  classesRoutes.removeCoOwner,
);
