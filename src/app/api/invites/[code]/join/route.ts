import { joinClass } from "@/server/classes/join";
import { classesRoutes } from "@/server/classes/routes";
import { withAuth } from "@/server/http/route";

export const POST = withAuth(({ actor, params, ip }) => joinClass({ actor, ip }, params.code), classesRoutes.join);
