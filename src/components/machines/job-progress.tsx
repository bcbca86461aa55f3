"use client";

// A job's progress (done / failed / total) with its per-machine list folded away. Updated live from job.updated
// and, as a fallback when the live channel is down, by asking GET /api/jobs/{id} every 2 seconds until it ends.
import Link from "next/link";
import { useCallback, useEffect, useRef, useState } from "react";
import { useLiveEvents } from "@/hooks/use-live-events";
import { api } from "@/lib/api";
import type { TJobView } from "./types";

const FINISHED = new Set(["SUCCEEDED", "FAILED", "PARTIAL", "CANCELLED", "CANCELED"]);
const ITEM_CLASS: Record<string, string> = {
  PENDING: "bg-slate-100 text-slate-700",
  RUNNING: "bg-brand-50 text-brand-700",
  DONE: "bg-green-100 text-green-800",
  FAILED: "bg-red-100 text-red-800",
};
const ITEM_LABEL: Record<string, string> = { PENDING: "Waiting", RUNNING: "Working", DONE: "Done", FAILED: "Failed" };

export const jobFinished = (job: Pick<TJobView, "status" | "finishedAt">) =>
  FINISHED.has(job.status) || job.finishedAt !== null;

type JobEvent = { id?: unknown; status?: unknown; done?: unknown; failed?: unknown; total?: unknown; title?: unknown };

export function JobProgress({ initial, onFinished }: { initial: TJobView; onFinished?: (job: TJobView) => void }) {
  const [job, setJob] = useState<TJobView>(initial);
  const [error, setError] = useState<string | null>(null);
  const finished = jobFinished(job);
  const reported = useRef(false);
  const fetching = useRef(false);

  const refresh = useCallback(async () => {
    if (fetching.current) return;
    fetching.current = true;
    const res = await api<TJobView>(`/api/jobs/${encodeURIComponent(initial.id)}`);
    fetching.current = false;
    if (res.ok) {
      setJob(res.data);
      setError(null);
    } else {
      setError(res.error.message);
    }
  }, [initial.id]);

  useLiveEvents(["job.updated", "live.reconnected"], (data, type) => {
    if (type === "live.reconnected") {
      void refresh();
      return;
    }
    const event = (data ?? {}) as JobEvent;
    if (event.id !== initial.id) return;
    setJob((j) => ({
      ...j,
      status: typeof event.status === "string" ? event.status : j.status,
      done: typeof event.done === "number" ? event.done : j.done,
      failed: typeof event.failed === "number" ? event.failed : j.failed,
      total: typeof event.total === "number" ? event.total : j.total,
    }));
    void refresh();
  });

  useEffect(() => {
    if (finished) return;
    const timer = setInterval(() => void refresh(), 2000);
    return () => clearInterval(timer);
  }, [finished, refresh]);

  useEffect(() => {
    if (finished && !reported.current) {
      reported.current = true;
      onFinished?.(job);
    }
  }, [finished, job, onFinished]);

  const total = Math.max(job.total, 1);
  const donePct = (job.done / total) * 100;
  const failedPct = (job.failed / total) * 100;
  const settled = job.done + job.failed;
  const summary = finished
    ? job.failed === 0
      ? `Finished: all ${job.total} created.`
      : job.done === 0
        ? `Failed: none of ${job.total} could be created.`
        : `Finished: ${job.done} created, ${job.failed} failed.`
    : `${settled} of ${job.total} finished${job.failed ? ` (${job.failed} failed)` : ""}…`;

  return (
    <div
      className="space-y-2 rounded-md border border-slate-200 bg-slate-50 p-3"
      data-testid="job-progress"
      data-status={job.status}
    >
      <div className="flex flex-wrap items-baseline justify-between gap-2 text-sm">
        <span className="font-medium text-slate-900">{job.title}</span>
        <span
          role="status"
          className={finished && job.failed ? "text-red-800" : finished ? "text-green-800" : "text-slate-700"}
          data-testid="job-summary"
        >
          {summary}
        </span>
      </div>
      <div
        role="progressbar"
        aria-label={`Progress of ${job.title}`}
        aria-valuemin={0}
        aria-valuemax={job.total}
        aria-valuenow={settled}
        aria-valuetext={`${job.done} done, ${job.failed} failed, ${job.total} in all`}
        className="flex h-3 w-full overflow-hidden rounded-full bg-slate-200"
      >
        <div className="h-full bg-green-600 transition-[width]" style={{ width: `${donePct}%` }} />
        <div className="h-full bg-red-600 transition-[width]" style={{ width: `${failedPct}%` }} />
      </div>
      <p className="text-xs text-slate-600 tabular-nums">
        {job.done} done · {job.failed} failed · {job.total} in all
      </p>
      {job.error && <p className="text-sm text-red-800">{job.error}</p>}
      {error && (
        <p role="alert" className="text-sm text-red-700">
          Could not read the job&apos;s progress: {error}
        </p>
      )}
      {job.items.length > 0 && (
        <details className="text-sm">
          <summary className="cursor-pointer text-brand-700">Each machine ({job.items.length})</summary>
          <ul
            className="mt-2 max-h-72 divide-y divide-slate-200 overflow-auto rounded border border-slate-200 bg-white"
            data-testid="job-items"
          >
            {job.items.map((item) => (
              <li key={item.position} className="flex flex-wrap items-start gap-2 px-2 py-1.5">
                <span
                  className={`inline-block w-16 shrink-0 rounded px-1.5 py-0.5 text-center text-xs font-medium ${ITEM_CLASS[item.status] ?? ITEM_CLASS.PENDING}`}
                >
                  {ITEM_LABEL[item.status] ?? item.status}
                </span>
                <span className="min-w-0 flex-1 break-words">
                  {item.machineId && item.status !== "FAILED" ? (
                    <Link href={`/machines/${item.machineId}`} className="text-brand-700 hover:underline">
                      {item.label}
                    </Link>
                  ) : (
                    item.label
                  )}
                  {item.error && <span className="block text-xs text-red-700">{item.error}</span>}
                </span>
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}
