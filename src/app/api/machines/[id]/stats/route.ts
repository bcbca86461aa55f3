import { withAuth } from "@/server/http/route";
import { machineStats } from "@/server/stats/read-stats";
import { statsRoutes } from "@/server/stats/routes";

export const GET = withAuth(({ actor, params }) => machineStats(actor, params.id), statsRoutes.machine);
