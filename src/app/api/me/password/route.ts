import { withAuth } from "@/server/http/route";
import { changeOwnPassword } from "@/server/users/change-own-password";
import { usersRoutes } from "@/server/users/routes";

export const POST = withAuth(({ actor, body, ip }) => changeOwnPassword(actor, body, ip), usersRoutes.changePassword);
