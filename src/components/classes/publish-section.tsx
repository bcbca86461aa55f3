"use client";

// Publish: the teacher's machine becomes the new class base and every student machine is re-created from it, as a
// job with a line per student; "Retry failed" publishes again to the machines not yet on the new base. Below,
// the students' previous disks kept after a publish, each releasable now.
import { useState } from "react";
import { JobProgress } from "@/components/machines/job-progress";
import { formatDate } from "@/components/machines/machine-bits";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/dialog";
import { useLatestRequest } from "@/hooks/use-latest-request";
import { api } from "@/lib/api";
import { useMachinesStore } from "@/stores/machines-store";
import type { ClassRow, JobView, KeptDisk, Roster } from "./types";

export function PublishSection({ cls, roster }: { cls: ClassRow; roster: Roster | null }) {
  const base = `/api/classes/${encodeURIComponent(cls.id)}`;
  const byId = useMachinesStore((s) => s.byId);
  const [asking, setAsking] = useState(false);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [dialogError, setDialogError] = useState<string | null>(null);
  const [jobs, setJobs] = useState<JobView[]>([]);
  const [lastFailed, setLastFailed] = useState(0);
  const {
    data: keptData,
    error: keptError,
    reload: loadKept,
  } = useLatestRequest<{ items: KeptDisk[] }>(`${base}/kept-disks`);
  const kept = keptData?.items ?? null;
  const [releasing, setReleasing] = useState<KeptDisk | null>(null);
  const [releasePending, setReleasePending] = useState(false);
  const [releaseError, setReleaseError] = useState<string | null>(null);

  const running = (roster?.items ?? []).filter(
    (r) => r.machine && ["RUNNING", "STARTING", "REBOOTING"].includes((byId[r.machine.id] ?? r.machine).state),
  ).length;
  const studentMachines = (roster?.items ?? []).filter((r) => r.machine).length;
  // said before the confirm (the button is disabled with the reason), as the server would refuse it
  const teacherMachine = roster?.teacherMachine ? (byId[roster.teacherMachine.id] ?? roster.teacherMachine) : null;
  const publishRefusal = !roster
    ? null
    : !teacherMachine
      ? "The teacher's machine does not exist yet."
      : teacherMachine.state !== "STOPPED"
        ? `Stop your machine (${teacherMachine.name}) first, so its disk is complete: it is ${teacherMachine.state.toLowerCase()}.`
        : null;

  async function publish(retry: boolean) {
    setPending(true);
    setError(null);
    setDialogError(null);
    const res = await api<{ job: JobView }>(`${base}/publish`, { method: "POST", json: { retry } });
    setPending(false);
    if (!res.ok) {
      if (retry) setError(res.error.message);
      else setDialogError(res.error.message);
      return;
    }
    setAsking(false);
    setLastFailed(0);
    setJobs((j) => [res.data.job, ...j]);
  }

  async function release() {
    if (!releasing) return;
    setReleasePending(true);
    setReleaseError(null);
    const res = await api<null>(`${base}/kept-disks/${encodeURIComponent(releasing.id)}`, { method: "DELETE" });
    setReleasePending(false);
    if (!res.ok) {
      setReleaseError(res.error.message);
      return;
    }
    setReleasing(null);
    void loadKept();
  }

  return (
    <div className="space-y-6">
      <section aria-labelledby="publish-heading" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="publish-heading" className="text-lg font-semibold">
          Publish your machine to the class
        </h2>
        <div className="space-y-2 text-sm text-slate-700">
          <p>
            Publishing makes your teacher&apos;s machine the new starting point (version {cls.baseVersion + 1}) of the
            class:
          </p>
          <ul className="list-disc space-y-1 pl-5">
            <li>
              every student machine is re-created from it, one after the other; a failure on one student does not stop
              the others, and can be retried;
            </li>
            <li>
              each student&apos;s previous disk is kept for {cls.keepDays} day{cls.keepDays === 1 ? "" : "s"} (listed
              below) so nothing is lost, until you release it;
            </li>
            <li>new students and the pool get the new version.</li>
          </ul>
        </div>
        {running > 0 && (
          <Alert tone="warning" testId="publish-running-warning">
            {running} student machine{running === 1 ? " is" : "s are"} running and will be stopped first. Warn your
            students to save their work.
          </Alert>
        )}
        {error && <Alert tone="error">{error}</Alert>}
        <div className="flex flex-wrap gap-2">
          <Button
            onClick={() => {
              setDialogError(null);
              setAsking(true);
            }}
            disabled={pending || !roster || publishRefusal !== null}
            title={publishRefusal ?? undefined}
            aria-describedby={publishRefusal ? "publish-refusal" : undefined}
            data-testid="publish-open"
          >
            Publish…
          </Button>
          {lastFailed > 0 && (
            <Button
              variant="secondary"
              onClick={() => void publish(true)}
              pending={pending}
              pendingLabel="Retrying…"
              data-testid="publish-retry"
            >
              Retry failed ({lastFailed})
            </Button>
          )}
        </div>
        {publishRefusal && (
          <p id="publish-refusal" className="text-sm text-slate-700" data-testid="publish-refusal">
            {publishRefusal}
          </p>
        )}
        {jobs.length > 0 && (
          <section className="space-y-2" aria-label="Publish progress">
            {jobs.map((job) => (
              <JobProgress
                key={job.id}
                initial={job}
                onFinished={(j) => {
                  if (j.id === jobs[0]?.id) setLastFailed(j.failed);
                  void loadKept();
                }}
              />
            ))}
          </section>
        )}
      </section>

      <section aria-labelledby="kept-heading" className="space-y-3">
        <h2 id="kept-heading" className="text-lg font-semibold">
          Kept previous disks
        </h2>
        {keptError && <Alert tone="error">Could not load the kept disks: {keptError}</Alert>}
        {kept !== null && kept.length === 0 && (
          <p className="text-sm text-slate-600">None: nothing is kept from earlier publishes.</p>
        )}
        {kept !== null && kept.length > 0 && (
          <ul
            className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white text-sm"
            data-testid="kept-disks"
          >
            {kept.map((d) => (
              <li key={d.id} className="flex flex-wrap items-center justify-between gap-2 px-3 py-2">
                <span>
                  <span className="font-medium">{d.label}</span>
                  <span className="block text-xs text-slate-500">
                    Kept since {formatDate(d.createdAt)}, released automatically {formatDate(d.keepUntil)}
                  </span>
                </span>
                <Button
                  size="sm"
                  variant="secondary"
                  onClick={() => {
                    setReleaseError(null);
                    setReleasing(d);
                  }}
                  aria-label={`Release ${d.label} now`}
                >
                  Release now
                </Button>
              </li>
            ))}
          </ul>
        )}
      </section>

      <ConfirmDialog
        open={asking}
        title={`Publish to ${cls.name}?`}
        confirmLabel="Publish"
        pending={pending}
        error={dialogError}
        onConfirm={() => void publish(false)}
        onCancel={() => setAsking(false)}
        testId="publish-dialog"
      >
        <p>
          {studentMachines} student machine{studentMachines === 1 ? "" : "s"} will be re-created from your machine
          {roster?.teacherMachine ? ` (${roster.teacherMachine.name})` : ""}. Their previous disks are kept for{" "}
          {cls.keepDays} days.
        </p>
        {running > 0 && (
          <p className="font-medium text-amber-900">
            {running} running machine{running === 1 ? " is" : "s are"} stopped first: unsaved work on{" "}
            {running === 1 ? "it" : "them"} is lost.
          </p>
        )}
      </ConfirmDialog>

      <ConfirmDialog
        open={releasing !== null}
        title="Release this disk now?"
        confirmLabel="Release disk"
        tone="danger"
        pending={releasePending}
        error={releaseError}
        onConfirm={() => void release()}
        onCancel={() => setReleasing(null)}
        testId="release-dialog"
      >
        <p>
          {releasing?.label} is deleted at once. The student&apos;s work from before the publish cannot be brought back
          afterwards.
        </p>
      </ConfirmDialog>
    </div>
  );
}
