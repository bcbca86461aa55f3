import { readyResponse } from "@/server/health/check-ready";
import { healthRoutes } from "@/server/health/routes";
import { withAuth } from "@/server/http/route";

export const dynamic = "force-dynamic";

export const GET = withAuth(({ actor }) => readyResponse(actor), healthRoutes.ready);
