import { vvFile } from "@/server/console/vv-file";
import { withAuth } from "@/server/http/route";
import { machinesRoutes } from "@/server/machines/routes";

export const GET = withAuth(({ ctx, params }) => vvFile(ctx, params.id), machinesRoutes.vv);
