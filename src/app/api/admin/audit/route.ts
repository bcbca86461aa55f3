import { listAuditEvents } from "@/server/audit/list-audit-events";
import { auditRoutes } from "@/server/audit/routes";
import { withAuth } from "@/server/http/route";

export const dynamic = "force-dynamic";

export const GET = withAuth(({ query }) => listAuditEvents(query), auditRoutes.list);
