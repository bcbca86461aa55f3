import { withAuth } from "@/server/http/route";
import { quotasRoutes } from "@/server/quotas/routes";
import { grantHoursAction } from "@/server/quotas/user-quota";

export const POST = withAuth(({ ctx, body }) => grantHoursAction(ctx, body), quotasRoutes.grantHours);
