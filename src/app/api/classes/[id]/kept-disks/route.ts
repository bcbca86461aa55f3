import { listKeptDisks } from "@/server/classes/publish";
import { classesRoutes } from "@/server/classes/routes";
import { withAuth } from "@/server/http/route";

export const GET = withAuth(({ actor, params }) => listKeptDisks(actor, params.id), classesRoutes.keptDisks);
