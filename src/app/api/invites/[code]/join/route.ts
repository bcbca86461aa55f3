import { joinClass } from "@/server/classes/enrollment";
import { classesRoutes } from "@/server/classes/routes";
import { withAuth } from "@/server/http/route";

export const POST = withAuth(({ actor, params, ip }) => joinClass(actor, params.code, ip), classesRoutes.join);
