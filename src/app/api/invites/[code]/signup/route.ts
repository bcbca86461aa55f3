import { signupAndJoin } from "@/server/classes/enrollment";
import { classesRoutes } from "@/server/classes/routes";
import { withAuth } from "@/server/http/route";

export const POST = withAuth(({ params, body, ip }) => signupAndJoin(params.code, body, ip), classesRoutes.signup);
