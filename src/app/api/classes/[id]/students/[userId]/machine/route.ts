import { recreateStudentMachine } from "@/server/classes/recovery";
import { classesRoutes } from "@/server/classes/routes";
import { withAuth } from "@/server/http/route";

export const POST = withAuth(
  ({ ctx, params }) => recreateStudentMachine(ctx, params.id, params.userId),
  classesRoutes.recreateMachine,
);
