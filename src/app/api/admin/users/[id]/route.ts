import { withAuth } from "@/server/http/route";
import { usersRoutes } from "@/server/users/routes";
import { updateUser } from "@/server/users/update-user";

export const PATCH = withAuth(({ ctx, params, body }) => updateUser(ctx, params.id, body), usersRoutes.update);
