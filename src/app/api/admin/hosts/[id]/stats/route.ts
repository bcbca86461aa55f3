import { withAuth } from "@/server/http/route";
import { hostStats } from "@/server/stats/read-stats";
import { statsRoutes } from "@/server/stats/routes";

export const GET = withAuth(({ params }) => hostStats(params.id), statsRoutes.host);
