import { listConsoles } from "@/server/console/admin";
import { consoleRoutes } from "@/server/console/routes";
import { withAuth } from "@/server/http/route";

export const GET = withAuth(() => listConsoles(), consoleRoutes.list);
