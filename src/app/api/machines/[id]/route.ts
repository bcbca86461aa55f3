import { withAuth } from "@/server/http/route";
import { machineAction } from "@/server/machines/actions";
import { getMachine } from "@/server/machines/list";
import { machinesRoutes } from "@/server/machines/routes";

export const GET = withAuth(({ actor, params }) => getMachine(actor, params.id), machinesRoutes.get);
export const DELETE = withAuth(({ ctx, params }) => machineAction(ctx, params.id, "delete", {}), machinesRoutes.remove);
