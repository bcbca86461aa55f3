import { grantStudentHours } from "@/server/classes/grant-hours";
import { classesRoutes } from "@/server/classes/routes";
import { withAuth } from "@/server/http/route";

export const POST = withAuth(
  ({ ctx, params, body }) => grantStudentHours(ctx, params.id, params.userId, body.hours),
  classesRoutes.grantHours,
);
