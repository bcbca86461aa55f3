"use client";

// The jobs page: my jobs and my classes' jobs (admins: all), newest first, with their items and errors; one job
// at /jobs/<id>. job.updated events reload what is shown (live).
import Link from "next/link";
import { useState } from "react";
import type { JobView } from "@/components/classes/types";
import { EmptyState } from "@/components/empty-state";
import { Alert } from "@/components/ui/alert";
import { Pager } from "@/components/ui/pager";
import { useCoalesced } from "@/hooks/use-coalesced";
import { useLatestRequest } from "@/hooks/use-latest-request";
import { useLiveEvents } from "@/hooks/use-live-events";
import { usePage } from "@/hooks/use-page";
import { JobCard } from "./job-card";

type JobList = { items: JobView[]; total: number; page: number; pageSize: number };

export function JobsClient({ isAdmin }: { isAdmin: boolean }) {
  const [scope, setScope] = useState<"mine" | "all">("mine");
  const [status, setStatus] = useState("");
  const [page, setPage] = usePage([scope, status]);
  const { data, loading, error, reload, setData } = useLatestRequest<JobList>(
    `/api/jobs?scope=${scope}&status=${status}&page=${page}`,
  );
  const scheduleReload = useCoalesced(() => void reload(), 700);
  useLiveEvents(["job.updated", "live.reconnected"], () => scheduleReload());
  const replace = (job: JobView) =>
    setData((d) => (d ? { ...d, items: d.items.map((j) => (j.id === job.id ? job : j)) } : d));

  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">Jobs</h1>
      <p className="text-sm text-slate-600">
        Creating machines, deploying and publishing classes: each job with its steps and what went wrong.
      </p>
      <div className="flex flex-wrap items-end gap-3">
        {isAdmin && (
          <label className="text-sm">
            <span className="block text-slate-700">Show</span>
            <select
              className="rounded border border-slate-300 px-2 py-1"
              value={scope}
              onChange={(e) => setScope(e.target.value as "mine" | "all")}
              data-testid="jobs-scope"
            >
              <option value="mine">Mine and my classes&apos;</option>
              <option value="all">All jobs</option>
            </select>
          </label>
        )}
        <label className="text-sm">
          <span className="block text-slate-700">State</span>
          <select
            className="rounded border border-slate-300 px-2 py-1"
            value={status}
            onChange={(e) => setStatus(e.target.value)}
            data-testid="jobs-status"
          >
            <option value="">Any</option>
            <option value="RUNNING">Running</option>
            <option value="FAILED">Failed</option>
            <option value="PARTIAL">Partly failed</option>
            <option value="SUCCEEDED">Succeeded</option>
          </select>
        </label>
      </div>
      {error && (
        <Alert tone="error">
          Could not load the jobs: {error}{" "}
          <button type="button" className="font-medium underline" onClick={() => void reload()}>
            Try again
          </button>
        </Alert>
      )}
      {!data && loading && (
        <p role="status" className="text-sm text-slate-600">
          Loading the jobs…
        </p>
      )}
      {data && data.items.length === 0 && (
        <EmptyState title="No jobs">Jobs appear here when you create machines or classes.</EmptyState>
      )}
      {data && data.items.length > 0 && (
        <div className="space-y-3" data-testid="jobs-list">
          {data.items.map((j) => (
            <JobCard key={j.id} job={j} onChanged={replace} />
          ))}
          <Pager list={data} page={page} onPage={setPage} busy={loading} />
        </div>
      )}
    </div>
  );
}

export function JobDetailClient({ id }: { id: string }) {
  const { data, error, reload, setData } = useLatestRequest<JobView>(`/api/jobs/${encodeURIComponent(id)}`);
  const scheduleReload = useCoalesced(() => void reload(), 500);
  useLiveEvents(["job.updated", "live.reconnected"], (d, type) => {
    if (type === "live.reconnected" || (d as { id?: unknown } | null)?.id === id) scheduleReload();
  });
  return (
    <div className="space-y-4">
      <Link href="/jobs" className="text-sm text-brand-700 hover:underline">
        ← All jobs
      </Link>
      {error && <Alert tone="error">{error}</Alert>}
      {!data && !error && (
        <p role="status" className="text-sm text-slate-600">
          Loading the job…
        </p>
      )}
      {data && <JobCard job={data} onChanged={setData} open />}
    </div>
  );
}
