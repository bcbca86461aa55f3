import { withAuth } from "@/server/http/route";
import { quotasRoutes } from "@/server/quotas/routes";
import { myQuota } from "@/server/quotas/user-quota";

export const GET = withAuth(({ actor }) => myQuota(actor), quotasRoutes.myQuota);
