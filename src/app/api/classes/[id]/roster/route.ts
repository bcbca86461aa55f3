import { roster } from "@/server/classes/roster";
import { classesRoutes } from "@/server/classes/routes";
import { withAuth } from "@/server/http/route";

export const GET = withAuth(({ actor, params }) => roster(actor, params.id), classesRoutes.roster);
