import { withAuth } from "@/server/http/route";
import { meterRoutes } from "@/server/quotas/meter-routes";
import { timersForActor } from "@/server/quotas/timers";

export const GET = withAuth(({ actor, params }) => timersForActor(actor, params.id), meterRoutes.timers);
