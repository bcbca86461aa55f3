import { classesRoutes } from "@/server/classes/routes";
import { signupAndJoin } from "@/server/classes/signup";
import { withAuth } from "@/server/http/route";

export const POST = withAuth(({ ctx, params, body }) => signupAndJoin(ctx, params.code, body), classesRoutes.signup);
