import { disconnectConsole } from "@/server/console/admin";
import { consoleRoutes } from "@/server/console/routes";
import { withAuth } from "@/server/http/route";

export const DELETE = withAuth(
  ({ actor, params, ip }) => disconnectConsole(actor, params.id, ip),
  consoleRoutes.disconnect,
);
