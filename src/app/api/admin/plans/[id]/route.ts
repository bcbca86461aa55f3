import { withAuth } from "@/server/http/route";
import { deletePlan, updatePlan } from "@/server/quotas/plans";
import { quotasRoutes } from "@/server/quotas/routes";

export const PATCH = withAuth(
  ({ actor, params, body, ip }) => updatePlan(actor, params.id, body, ip),
  quotasRoutes.updatePlan,
);
export const DELETE = withAuth(
  ({ actor, params, query, ip }) => deletePlan(actor, params.id, query.moveUsers, ip),
  quotasRoutes.deletePlan,
);
