import { withAuth } from "@/server/http/route";
import { getJobFor } from "@/server/machines/list";
import { machinesRoutes } from "@/server/machines/routes";

export const GET = withAuth(({ actor, params }) => getJobFor(actor, params.id), machinesRoutes.job);
