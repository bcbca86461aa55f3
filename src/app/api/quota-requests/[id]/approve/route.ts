import { withAuth } from "@/server/http/route";
import { approveRequest } from "@/server/quotas/requests";
import { quotasRoutes } from "@/server/quotas/routes";

export const POST = withAuth(
  ({ ctx, params, body }) => approveRequest(ctx, params.id, body),
  quotasRoutes.approveRequest,
);
