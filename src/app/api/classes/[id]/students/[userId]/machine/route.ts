import { recreateStudentMachine } from "@/server/classes/recovery";
import { classesRoutes } from "@/server/classes/routes";
import { withAuth } from "@/server/http/route";

export const POST = withAuth(
  ({ actor, params, ip }) => recreateStudentMachine(actor, params.id, params.userId, ip),
  classesRoutes.recreateMachine,
);
