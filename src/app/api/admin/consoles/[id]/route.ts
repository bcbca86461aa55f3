import { disconnectConsole } from "@/server/console/admin";
import { consoleRoutes } from "@/server/console/routes";
import { withAuth } from "@/server/http/route";

export const DELETE = withAuth(({ ctx, params }) => disconnectConsole(ctx, params.id), consoleRoutes.disconnect);
