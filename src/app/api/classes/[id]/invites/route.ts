import { createInvite, listInvites } from "@/server/classes/invites";
import { classesRoutes } from "@/server/classes/routes";
import { publicOrigin } from "@/server/http/public-origin";
import { withAuth } from "@/server/http/route";

export const GET = withAuth(({ actor, params }) => listInvites(actor, params.id), classesRoutes.invites);
export const POST = withAuth(
  ({ actor, params, body, req, ip }) => createInvite(actor, params.id, body, publicOrigin(req), ip),
  classesRoutes.createInvite,
);
