import { removeStudent } from "@/server/classes/remove-student";
import { classesRoutes } from "@/server/classes/routes";
import { withAuth } from "@/server/http/route";

export const DELETE = withAuth(
  ({ ctx, params, query }) => removeStudent(ctx, params.id, params.userId, query.machine),
  classesRoutes.removeStudent,
);
