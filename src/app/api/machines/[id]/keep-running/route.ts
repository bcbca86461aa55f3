import { withAuth } from "@/server/http/route";
import { meterRoutes } from "@/server/quotas/meter-routes";
import { keepRunning } from "@/server/quotas/timers";

export const POST = withAuth(({ ctx, params }) => keepRunning(ctx, params.id), meterRoutes.keepRunning);
