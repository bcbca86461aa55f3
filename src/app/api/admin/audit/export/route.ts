import { auditCsvResponse } from "@/server/audit/csv";
import { auditRoutes } from "@/server/audit/routes";
import { withAuth } from "@/server/http/route";

export const dynamic = "force-dynamic";

export const GET = withAuth(({ query }) => auditCsvResponse(query), auditRoutes.exportCsv);
