import { issueTicket } from "@/server/console/tickets";
import { withAuth } from "@/server/http/route";
import { machinesRoutes } from "@/server/machines/routes";

export const POST = withAuth(
  ({ actor, params, body }) => issueTicket(actor, params.id, body.kind, body.viewOnly),
  machinesRoutes.console,
);
