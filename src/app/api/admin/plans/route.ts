import { withAuth } from "@/server/http/route";
import { createPlan, listPlans } from "@/server/quotas/plans";
import { quotasRoutes } from "@/server/quotas/routes";

export const GET = withAuth(() => listPlans(), quotasRoutes.listPlans);
export const POST = withAuth(({ ctx, body }) => createPlan(ctx, body), quotasRoutes.createPlan);
