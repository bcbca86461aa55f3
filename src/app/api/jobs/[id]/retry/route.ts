import { withAuth } from "@/server/http/route";
import { retryJob } from "@/server/jobs/retry";
import { jobsRoutes } from "@/server/jobs/routes";

export const POST = withAuth(({ actor, params, ip }) => retryJob(actor, params.id, ip), jobsRoutes.retry);
