import { withAuth } from "@/server/http/route";
import { denyRequest } from "@/server/quotas/requests";
import { quotasRoutes } from "@/server/quotas/routes";

export const POST = withAuth(
  ({ actor, params, body, ip }) => denyRequest(actor, params.id, body.reason, ip),
  quotasRoutes.denyRequest,
);
