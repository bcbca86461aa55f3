import { withAuth } from "@/server/http/route";
import { changeOwnPassword } from "@/server/users/change-own-password";
import { usersRoutes } from "@/server/users/routes";

export const POST = withAuth(({ ctx, body }) => changeOwnPassword(ctx, body), usersRoutes.changePassword);
