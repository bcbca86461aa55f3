import { withAuth } from "@/server/http/route";
import { listMachines } from "@/server/machines/list";
import { createMachines } from "@/server/machines/provision";
import { machinesRoutes } from "@/server/machines/routes";

export const GET = withAuth(({ actor, query }) => listMachines(actor, query), machinesRoutes.list);
export const POST = withAuth(({ ctx, body }) => createMachines(ctx, body), machinesRoutes.create);
