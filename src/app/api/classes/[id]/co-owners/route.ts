import { addCoOwner } from "@/server/classes/co-owners";
import { classesRoutes } from "@/server/classes/routes";
import { withAuth } from "@/server/http/route";

export const POST = withAuth(
  ({ ctx, params, body }) => addCoOwner(ctx, params.id, body.email),
  classesRoutes.addCoOwner,
);
