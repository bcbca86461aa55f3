import { classesRoutes } from "@/server/classes/routes";
import { signupAndJoin } from "@/server/classes/signup";
import { withAuth } from "@/server/http/route";

export const POST = withAuth(({ params, body, ip }) => signupAndJoin({ ip }, params.code, body), classesRoutes.signup);
