import { withAuth } from "@/server/http/route";
import { listJobs } from "@/server/jobs/list";
import { jobsRoutes } from "@/server/jobs/routes";

export const GET = withAuth(({ actor, query }) => listJobs(actor, query), jobsRoutes.list);
