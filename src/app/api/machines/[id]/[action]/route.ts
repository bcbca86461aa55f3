import { withAuth } from "@/server/http/route";
import { machineAction } from "@/server/machines/actions";
import { machinesRoutes } from "@/server/machines/routes";

export const POST = withAuth(
  ({ ctx, params, body }) => machineAction(ctx, params.id, params.action, body),
  machinesRoutes.action,
);
