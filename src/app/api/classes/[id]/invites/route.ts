import { createInvite, listInvites } from "@/server/classes/invites";
import { classesRoutes } from "@/server/classes/routes";
import { publicOrigin } from "@/server/http/public-origin";
import { withAuth } from "@/server/http/route";

export const GET = withAuth(({ actor, params }) => listInvites(actor, params.id), classesRoutes.invites);
export const POST = withAuth(
  ({ ctx, params, body, req }) => createInvite(ctx, params.id, body, publicOrigin(req)),
  classesRoutes.createInvite,
);
