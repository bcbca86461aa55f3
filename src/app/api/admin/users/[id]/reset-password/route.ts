import { withAuth } from "@/server/http/route";
import { resetPassword } from "@/server/users/reset-password";
import { usersRoutes } from "@/server/users/routes";

export const POST = withAuth(({ ctx, params, body }) => resetPassword(ctx, params.id, body), usersRoutes.resetPassword);
