import { joinClass } from "@/server/classes/join";
import { classesRoutes } from "@/server/classes/routes";
import { withAuth } from "@/server/http/route";

export const POST = withAuth(({ ctx, params }) => joinClass(ctx, params.code), classesRoutes.join);
