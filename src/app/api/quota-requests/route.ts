import { withAuth } from "@/server/http/route";
import { createRequest, listRequests } from "@/server/quotas/requests";
import { quotasRoutes } from "@/server/quotas/routes";

export const GET = withAuth(({ actor, query }) => listRequests(actor, query), quotasRoutes.listRequests);
export const POST = withAuth(({ ctx, body }) => createRequest(ctx, body), quotasRoutes.createRequest);
