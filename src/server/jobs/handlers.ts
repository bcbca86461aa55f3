// Every job kind's handler, in one table (typed by JobKind, so a kind without a handler does not compile).
// startup.ts installs it before any job starts or is recovered.
import type { JobKind } from "@/lib/job-kinds";
import { classDeleteHandler, classDeployHandler } from "@/server/classes/jobs";
import { classPublishHandler } from "@/server/classes/publish";
import { type JobHandler, setJobHandlers } from "@/server/jobs/jobs";
import { deployHandler } from "@/server/machines/provision";

export const JOB_HANDLERS: Record<JobKind, JobHandler> = {
  deploy: deployHandler,
  "class-deploy": classDeployHandler,
  "class-publish": classPublishHandler,
  "class-delete": classDeleteHandler,
};

export function installJobHandlers(): void {
  setJobHandlers(JOB_HANDLERS);
}
