import { addCoOwner } from "@/server/classes/classes";
import { classesRoutes } from "@/server/classes/routes";
import { withAuth } from "@/server/http/route";

export const POST = withAuth(
  ({ actor, params, body, ip }) => addCoOwner(actor, params.id, body.email, ip),
  classesRoutes.addCoOwner,
);
