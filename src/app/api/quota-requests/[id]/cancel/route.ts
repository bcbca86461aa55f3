import { withAuth } from "@/server/http/route";
import { cancelRequest } from "@/server/quotas/requests";
import { quotasRoutes } from "@/server/quotas/routes";

export const POST = withAuth(({ ctx, params }) => cancelRequest(ctx, params.id), quotasRoutes.cancelRequest);
