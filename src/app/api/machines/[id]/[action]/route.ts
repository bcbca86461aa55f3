import { withAuth } from "@/server/http/route";
import { machineAction } from "@/server/machines/actions";
import { machinesRoutes } from "@/server/machines/routes";

export const POST = withAuth(
  ({ actor, params, body, ip }) => machineAction(actor, params.id, params.action, body, ip),
  machinesRoutes.action,
);
