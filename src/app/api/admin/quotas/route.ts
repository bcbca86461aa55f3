import { withAuth } from "@/server/http/route";
import { quotasRoutes } from "@/server/quotas/routes";
import { listQuotaUsage } from "@/server/quotas/user-quota";

export const GET = withAuth(({ query }) => listQuotaUsage(query), quotasRoutes.listUsage);
