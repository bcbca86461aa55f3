"use client";

// What went wrong in a class and what to do about it (teachers): the deploy's failed steps with a link to the
// job and a Retry button, and the pool's failed machines with the time of their automatic retry. Shown under
// the class's name; nothing when all is well.
import Link from "next/link";
import { RetryJobButton } from "@/components/jobs/retry-job-button";
import type { ClassRow } from "./types";

/** "10:42" in the reader's time zone. */
export function clockTime(iso: string): string {
  return new Date(iso).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
}

/** Whether a class that says READY really needs a look (failed deploy steps, failed pool machines). */
export function needsAttention(
  c: Pick<ClassRow, "status" | "statusDetail" | "attentionJobId" | "poolFailed">,
): boolean {
  return (
    c.status === "READY" && Boolean(c.attentionJobId || (c.poolFailed ?? 0) > 0 || /failed/i.test(c.statusDetail ?? ""))
  );
}

/** The pool's failures in words: "1 failed, retrying at 10:42". */
export function poolFailureText(c: Pick<ClassRow, "poolFailed" | "poolRetryAt">): string | null {
  const n = c.poolFailed ?? 0;
  if (!n) return null;
  return c.poolRetryAt
    ? `${n} failed, retrying at ${clockTime(c.poolRetryAt)}`
    : `${n} failed, no automatic retries left`;
}

/** The pool's machines that are not ready, truthfully: "1 being prepared", "1 failed, retrying at 10:42". */
export function poolProgressText(
  notReady: { state: string; kind?: string }[],
  c: Pick<ClassRow, "poolRetryAt">,
): string {
  const failed = notReady.filter((m) => m.state === "FAILED").length;
  const preparing = notReady.length - failed;
  const parts: string[] = [];
  if (preparing) parts.push(`${preparing} being prepared`);
  if (failed)
    parts.push(c.poolRetryAt ? `${failed} failed, retrying at ${clockTime(c.poolRetryAt)}` : `${failed} failed`);
  return parts.join(", ");
}

/** The classes list's short note under a status: what failed, with a link to the job. */
export function AttentionNote({ c }: { c: ClassRow }) {
  const detail = c.statusDetail?.replace(/;?\s*see the job\.?$/, "") ?? null;
  const pool = poolFailureText(c);
  if (!detail && !pool && !c.attentionJobId) return null;
  return (
    <p className="mt-1 max-w-xs break-words text-xs text-slate-600" data-testid="class-attention-note">
      {[detail, pool && `Pool: ${pool}`].filter(Boolean).join(". ")}
      {c.attentionJobId && (
        <>
          {" "}
          <Link href={`/jobs/${encodeURIComponent(c.attentionJobId)}`} className="font-medium text-brand-700 underline">
            See the job
          </Link>
        </>
      )}
    </p>
  );
}

export function ClassAttention({ cls, onRetried }: { cls: ClassRow; onRetried?: () => void }) {
  const jobHref = cls.attentionJobId ? `/jobs/${encodeURIComponent(cls.attentionJobId)}` : null;
  const pool = poolFailureText(cls);
  const detail = cls.statusDetail?.replace(/;?\s*see the job\.?$/, "") ?? null;
  if (!detail && !pool && !jobHref) return null;

  return (
    <div className="space-y-1 text-sm text-slate-700" data-testid="class-attention">
      {detail && (
        <p>
          {detail}
          {jobHref && (
            <>
              {"; "}
              <Link href={jobHref} className="font-medium text-brand-700 underline" data-testid="class-job-link">
                see the job
              </Link>
              .
            </>
          )}
        </p>
      )}
      {!detail && jobHref && (
        <p>
          A job of this class has failed steps:{" "}
          <Link href={jobHref} className="font-medium text-brand-700 underline" data-testid="class-job-link">
            see the job
          </Link>
          .
        </p>
      )}
      {pool && <p data-testid="class-pool-failed">Pool: {pool}.</p>}
      {cls.attentionJobId && cls.myRole !== "student" && (
        <RetryJobButton
          jobId={cls.attentionJobId}
          onRetried={() => onRetried?.()}
          doneText="Retrying the failed steps…"
          testId="class-retry"
        >
          Retry failed steps
        </RetryJobButton>
      )}
    </div>
  );
}
