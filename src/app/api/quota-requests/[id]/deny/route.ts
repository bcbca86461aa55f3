import { withAuth } from "@/server/http/route";
import { denyRequest } from "@/server/quotas/requests";
import { quotasRoutes } from "@/server/quotas/routes";

export const POST = withAuth(
  ({ ctx, params, body }) => denyRequest(ctx, params.id, body.reason),
  quotasRoutes.denyRequest,
);
