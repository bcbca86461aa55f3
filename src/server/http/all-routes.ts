// Every API route contract, by domain. The OpenAPI document and the authorization matrix test read this list;
// a route file under src/app/api whose method has no contract here fails the matrix test.
import { auditRoutes } from "@/server/audit/routes";
import { classesRoutes } from "@/server/classes/routes";
import { consoleRoutes } from "@/server/console/routes";
import { dashboardRoutes } from "@/server/dashboard/routes";
import { docsRoutes } from "@/server/docs/routes";
import { healthRoutes } from "@/server/health/routes";
import { hostsRoutes } from "@/server/hosts/routes";
import { jobsRoutes } from "@/server/jobs/routes";
import { machinesRoutes } from "@/server/machines/routes";
import { meterRoutes } from "@/server/quotas/meter-routes";
import { quotasRoutes } from "@/server/quotas/routes";
import { rdpRoutes } from "@/server/rdp/routes";
import { statsRoutes } from "@/server/stats/routes";
import { templatesRoutes } from "@/server/templates/routes";
import { tokensRoutes } from "@/server/tokens/routes";
import { usersRoutes } from "@/server/users/routes";
import { vpnRoutes } from "@/server/vpn/routes";
import type { RouteSpec } from "./route-spec";

export const ALL_ROUTE_GROUPS: Record<string, Record<string, RouteSpec>> = {
  health: healthRoutes,
  dashboard: dashboardRoutes,
  users: usersRoutes,
  audit: auditRoutes,
  hosts: hostsRoutes,
  templates: templatesRoutes,
  machines: machinesRoutes,
  classes: classesRoutes,
  jobs: jobsRoutes,
  consoles: consoleRoutes,
  tokens: tokensRoutes,
  quotas: quotasRoutes,
  labTimers: meterRoutes,
  vpn: vpnRoutes,
  rdp: rdpRoutes,
  stats: statsRoutes,
  docs: docsRoutes,
};

export const ALL_ROUTES: RouteSpec[] = Object.values(ALL_ROUTE_GROUPS).flatMap((group) => Object.values(group));

/** next-auth's own endpoints: public, outside withAuth, documented here for the matrix test. */
export const NEXT_AUTH_PATH = "/api/auth/[...nextauth]";
