import { withAuth } from "@/server/http/route";
import { usersRoutes } from "@/server/users/routes";
import { updateUser } from "@/server/users/update-user";

export const PATCH = withAuth(
  ({ actor, params, body, ip }) => updateUser(actor, params.id, body, ip),
  usersRoutes.update,
);
