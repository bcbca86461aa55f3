// The kinds of job (the Job row's `kind`). Every kind has exactly one handler in src/server/jobs/handlers.ts;
// pure and client-safe (job cards label them).
export const JOB_KINDS = ["deploy", "class-deploy", "class-publish", "class-delete"] as const;
export type JobKind = (typeof JOB_KINDS)[number];
