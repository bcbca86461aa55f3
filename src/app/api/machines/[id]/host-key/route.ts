import { withAuth } from "@/server/http/route";
import { resetMachineHostKey } from "@/server/machines/reset-host-key";
import { machinesRoutes } from "@/server/machines/routes";

export const DELETE = withAuth(({ ctx, params }) => resetMachineHostKey(ctx, params.id), machinesRoutes.resetHostKey);
