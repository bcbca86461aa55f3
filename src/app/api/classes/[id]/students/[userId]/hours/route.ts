import { grantStudentHours } from "@/server/classes/enrollment";
import { classesRoutes } from "@/server/classes/routes";
import { withAuth } from "@/server/http/route";

export const POST = withAuth(
  ({ actor, params, body, ip }) => grantStudentHours(actor, params.id, params.userId, body.hours, ip),
  classesRoutes.grantHours,
);
