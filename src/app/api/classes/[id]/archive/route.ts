import { archiveClass } from "@/server/classes/classes";
import { classesRoutes } from "@/server/classes/routes";
import { withAuth } from "@/server/http/route";

export const POST = withAuth(
  ({ ctx, params, body }) => archiveClass(ctx, params.id, body.archived),
  classesRoutes.archive,
);
