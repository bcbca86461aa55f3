"use client";

// One job: its kind, state, progress, each item with its error, a link to its class, and Retry for failed items
// (the API decides who may; the button shows when the job says it can be retried).
import Link from "next/link";
import type { JobView } from "@/components/classes/types";
import { RetryJobButton } from "./retry-job-button";

const KIND_LABEL: Record<string, string> = {
  deploy: "Create machines",
  "class-deploy": "Class deploy",
  "class-publish": "Class publish",
  "class-delete": "Class delete",
};

const STATUS_TONE: Record<string, string> = {
  SUCCEEDED: "bg-green-100 text-green-800 ring-green-200",
  FAILED: "bg-red-100 text-red-800 ring-red-200",
  PARTIAL: "bg-amber-100 text-amber-900 ring-amber-200",
  RUNNING: "bg-brand-50 text-brand-700 ring-brand-100",
  PENDING: "bg-slate-100 text-slate-700 ring-slate-200",
};

const STATUS_TEXT: Record<string, string> = {
  SUCCEEDED: "Succeeded",
  FAILED: "Failed",
  PARTIAL: "Partly failed",
  RUNNING: "Running",
  PENDING: "Waiting",
};

const time = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });

export function JobCard({
  job,
  onChanged,
  open = false,
}: {
  job: JobView;
  onChanged: (job: JobView) => void;
  open?: boolean;
}) {
  const finished = job.done + job.failed;
  return (
    <article
      id={`job-${job.id}`}
      className="space-y-2 rounded-lg border border-slate-200 bg-white p-4"
      data-testid="job-card"
      data-job-id={job.id}
      data-status={job.status}
    >
      <div className="flex flex-wrap items-center gap-2">
        <h2 className="font-semibold break-words">
          <Link href={`/jobs/${encodeURIComponent(job.id)}`} className="hover:underline">
            {job.title}
          </Link>
        </h2>
        <span
          className={`inline-block rounded px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${STATUS_TONE[job.status] ?? STATUS_TONE.PENDING}`}
          data-testid="job-status"
        >
          {STATUS_TEXT[job.status] ?? job.status}
        </span>
        <span className="text-xs text-slate-500">{KIND_LABEL[job.kind] ?? job.kind}</span>
      </div>
      <p className="text-sm text-slate-700">
        <span className="tabular-nums" data-testid="job-progress">
          {finished} of {job.total} done
        </span>
        {job.failed > 0 && <span className="text-red-700"> · {job.failed} failed</span>}
        {job.retryAt && (
          <span>
            {" "}
            · retrying automatically at{" "}
            {new Date(job.retryAt).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" })}
          </span>
        )}
        <span className="text-slate-500"> · started {time(job.startedAt ?? job.createdAt)}</span>
        {job.finishedAt && <span className="text-slate-500"> · finished {time(job.finishedAt)}</span>}
        {job.classId && (
          <>
            {" · "}
            <Link href={`/classes/${encodeURIComponent(job.classId)}`} className="text-brand-700 hover:underline">
              the class
            </Link>
          </>
        )}
      </p>
      <details open={open || job.failed > 0}>
        <summary className="cursor-pointer text-sm text-slate-600">Items ({job.items.length})</summary>
        <ol className="mt-2 space-y-1 text-sm" data-testid="job-items">
          {job.items.map((i) => (
            <li key={i.position} className="flex flex-wrap gap-x-2" data-testid="job-item" data-status={i.status}>
              <span className="font-medium">
                {i.machineId ? (
                  <Link
                    href={`/machines/${encodeURIComponent(i.machineId)}`}
                    className="text-brand-700 hover:underline"
                  >
                    {i.label}
                  </Link>
                ) : (
                  i.label
                )}
              </span>
              <span className="text-slate-600">
                {STATUS_TEXT[i.status] ?? (i.status === "DONE" ? "Done" : i.status.toLowerCase())}
              </span>
              {i.error && (
                <span className="basis-full break-words text-red-700" data-testid="job-item-error">
                  {i.error}
                </span>
              )}
            </li>
          ))}
        </ol>
      </details>
      {job.retryable && (
        <RetryJobButton jobId={job.id} onRetried={onChanged} testId="job-retry">
          Retry failed items
        </RetryJobButton>
      )}
    </article>
  );
}
