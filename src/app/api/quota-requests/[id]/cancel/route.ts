import { withAuth } from "@/server/http/route";
import { cancelRequest } from "@/server/quotas/requests";
import { quotasRoutes } from "@/server/quotas/routes";

export const POST = withAuth(
  ({ actor, params, ip }) => cancelRequest(actor, params.id, ip),
  quotasRoutes.cancelRequest,
);
