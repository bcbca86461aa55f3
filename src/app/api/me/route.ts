import { withAuth } from "@/server/http/route";
import { getMe } from "@/server/users/get-me";
import { usersRoutes } from "@/server/users/routes";
import { updateMe } from "@/server/users/update-me";

export const GET = withAuth(({ actor }) => getMe(actor), usersRoutes.me);
export const PATCH = withAuth(({ ctx, body }) => updateMe(ctx, body), usersRoutes.updateMe);
