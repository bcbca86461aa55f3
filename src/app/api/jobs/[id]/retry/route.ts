import { withAuth } from "@/server/http/route";
import { retryJob } from "@/server/jobs/retry";
import { jobsRoutes } from "@/server/jobs/routes";

export const POST = withAuth(({ ctx, params }) => retryJob(ctx, params.id), jobsRoutes.retry);
