import { revokeInvite } from "@/server/classes/invites";
import { classesRoutes } from "@/server/classes/routes";
import { withAuth } from "@/server/http/route";

export const DELETE = withAuth(
  ({ ctx, params }) => revokeInvite(ctx, params.id, params.itemId),
  classesRoutes.revokeInvite,
);
