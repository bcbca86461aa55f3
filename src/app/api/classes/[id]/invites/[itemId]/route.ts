import { revokeInvite } from "@/server/classes/invites";
import { classesRoutes } from "@/server/classes/routes";
import { withAuth } from "@/server/http/route";

export const DELETE = withAuth(
  ({ actor, params, ip }) => revokeInvite(actor, params.id, params.itemId, ip),
  classesRoutes.revokeInvite,
);
