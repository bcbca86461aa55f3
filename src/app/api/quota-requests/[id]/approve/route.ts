import { withAuth } from "@/server/http/route";
import { approveRequest } from "@/server/quotas/requests";
import { quotasRoutes } from "@/server/quotas/routes";

export const POST = withAuth(
  ({ actor, params, body, ip }) => approveRequest(actor, params.id, body, ip),
  quotasRoutes.approveRequest,
);
