// Route contracts of jobs: the list (mine; all for admins) and retrying a job's failed items. One job's
// progress is GET /api/jobs/{id} (machines/routes.ts).
import { z } from "zod";
import { defineRoute } from "@/server/http/route-spec";
import { emptyAsUndefined, ZId } from "@/server/http/zod-fragments";
import { ZJobView } from "@/server/machines/routes";

export const ZListJobsQuery = z.object({
  scope: z.preprocess(emptyAsUndefined, z.enum(["mine", "all"], { message: "Choose mine or all." }).default("mine")),
  status: z.preprocess(
    emptyAsUndefined,
    z.enum(["PENDING", "RUNNING", "SUCCEEDED", "FAILED", "PARTIAL"], { message: "Choose a job state." }).optional(),
  ),
  page: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(100_000).default(1)),
  pageSize: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(100).default(25)),
});
export type TListJobsQuery = z.infer<typeof ZListJobsQuery>;

export const jobsRoutes = {
  list: defineRoute({
    method: "GET",
    path: "/api/jobs",
    summary: "Jobs with their items and errors: mine and my classes' (scope=all: every job, admins only), newest first",
    tag: "Jobs",
    access: "any",
    query: ZListJobsQuery,
    response: z.object({ items: z.array(ZJobView), total: z.number(), page: z.number(), pageSize: z.number() }),
  }),
  retry: defineRoute({
    method: "POST",
    path: "/api/jobs/{id}/retry",
    summary: "Run a finished job's failed items again (its creator, the class's teachers, admins)",
    tag: "Jobs",
    access: "any",
    params: ZId,
    response: ZJobView,
    status: 202,
  }),
};
