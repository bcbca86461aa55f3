import { withAuth } from "@/server/http/route";
import { quotasRoutes } from "@/server/quotas/routes";
import { quotaDetailFor, updateUserQuota } from "@/server/quotas/user-quota";

export const GET = withAuth(({ params }) => quotaDetailFor(params.userId), quotasRoutes.getUser);
export const PATCH = withAuth(
  ({ ctx, params, body }) => updateUserQuota(ctx, params.userId, body),
  quotasRoutes.updateUser,
);
