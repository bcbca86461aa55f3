import { withAuth } from "@/server/http/route";
import { meterRoutes } from "@/server/quotas/meter-routes";
import { keepRunning } from "@/server/quotas/timers";

export const POST = withAuth(({ actor, params, ip }) => keepRunning(actor, params.id, ip), meterRoutes.keepRunning);
