import { withAuth } from "@/server/http/route";
import { deletePlan, updatePlan } from "@/server/quotas/plans";
import { quotasRoutes } from "@/server/quotas/routes";

export const PATCH = withAuth(({ ctx, params, body }) => updatePlan(ctx, params.id, body), quotasRoutes.updatePlan);
export const DELETE = withAuth(
  ({ ctx, params, query }) => deletePlan(ctx, params.id, query.moveUsers),
  quotasRoutes.deletePlan,
);
