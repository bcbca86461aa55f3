import { vvFile } from "@/server/console/vv-file";
import { withAuth } from "@/server/http/route";
import { machinesRoutes } from "@/server/machines/routes";

export const GET = withAuth(({ actor, params, ip }) => vvFile(actor, params.id, ip), machinesRoutes.vv);
