import { checkHealth } from "@/server/health/check-health";
import { healthRoutes } from "@/server/health/routes";
import { json } from "@/server/http/responses";
import { withAuth } from "@/server/http/route";

export const dynamic = "force-dynamic";

export const GET = withAuth(async () => {
  const health = await checkHealth();
  return json(health, health.status === "ok" ? 200 : 503);
}, healthRoutes.get);
