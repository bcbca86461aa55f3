import { withAuth } from "@/server/http/route";
import { resetPassword } from "@/server/users/reset-password";
import { usersRoutes } from "@/server/users/routes";

export const POST = withAuth(
  ({ actor, params, body, ip }) => resetPassword(actor, params.id, body, ip),
  usersRoutes.resetPassword,
);
