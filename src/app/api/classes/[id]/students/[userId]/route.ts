import { removeStudent } from "@/server/classes/enrollment";
import { classesRoutes } from "@/server/classes/routes";
import { withAuth } from "@/server/http/route";

export const DELETE = withAuth(
  ({ actor, params, query, ip }) => removeStudent(actor, params.id, params.userId, query.machine, ip),
  classesRoutes.removeStudent,
);
