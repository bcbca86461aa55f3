import { removeCoOwner } from "@/server/classes/co-owners";
import { classesRoutes } from "@/server/classes/routes";
import { withAuth } from "@/server/http/route";

export const DELETE = withAuth(
  ({ ctx, params }) => removeCoOwner(ctx, params.id, params.userId),
  classesRoutes.removeCoOwner,
);
