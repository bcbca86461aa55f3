import { withAuth } from "@/server/http/route";
import { createUser } from "@/server/users/create-user";
import { listUsers } from "@/server/users/list-users";
import { usersRoutes } from "@/server/users/routes";

export const GET = withAuth(({ query }) => listUsers(query), usersRoutes.list);
export const POST = withAuth(({ ctx, body }) => createUser(ctx, body), usersRoutes.create);
