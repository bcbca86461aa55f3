import { publishBase } from "@/server/classes/publish";
import { classesRoutes } from "@/server/classes/routes";
import { withAuth } from "@/server/http/route";

export const POST = withAuth(
  ({ actor, params, body, ip }) => publishBase(actor, params.id, body.retry, ip),
  classesRoutes.publish,
);
