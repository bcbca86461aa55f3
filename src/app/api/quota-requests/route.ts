import { withAuth } from "@/server/http/route";
import { createRequest, listRequests } from "@/server/quotas/requests";
import { quotasRoutes } from "@/server/quotas/routes";

export const GET = withAuth(({ actor, query }) => listRequests(actor, query), quotasRoutes.listRequests);
export const POST = withAuth(({ actor, body, ip }) => createRequest(actor, body, ip), quotasRoutes.createRequest);
