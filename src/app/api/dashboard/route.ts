import { getDashboard } from "@/server/dashboard/get-dashboard";
import { dashboardRoutes } from "@/server/dashboard/routes";
import { withAuth } from "@/server/http/route";

export const GET = withAuth(({ actor }) => getDashboard(actor), dashboardRoutes.get);
