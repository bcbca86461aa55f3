import { archiveClass } from "@/server/classes/classes";
import { classesRoutes } from "@/server/classes/routes";
import { withAuth } from "@/server/http/route";

export const POST = withAuth(
  ({ actor, params, body, ip }) => archiveClass({ actor, ip }, params.id, body.archived),
  classesRoutes.archive,
);
