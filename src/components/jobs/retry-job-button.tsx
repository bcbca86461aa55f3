"use client";

// "Retry failed …" for a job with failed steps: the button, then what came of it (the error, or `doneText`).
import { type ReactNode, useState } from "react";
import type { JobView } from "@/components/classes/types";
import { Button } from "@/components/ui/button";
import { api } from "@/lib/api";

export function RetryJobButton({
  jobId,
  onRetried,
  doneText,
  testId,
  children,
}: {
  jobId: string;
  onRetried?: (job: JobView) => void;
  /** shown (role=status) after the retry was accepted */
  doneText?: string;
  testId: string;
  children: ReactNode;
}) {
  const [pending, setPending] = useState(false);
  const [message, setMessage] = useState<{ tone: "ok" | "error"; text: string } | null>(null);

  async function retry() {
    setPending(true);
    setMessage(null);
    const res = await api<JobView>(`/api/jobs/${encodeURIComponent(jobId)}/retry`, { method: "POST" });
    setPending(false);
    if (!res.ok) return setMessage({ tone: "error", text: res.error.message });
    if (doneText) setMessage({ tone: "ok", text: doneText });
    onRetried?.(res.data);
  }

  return (
    <>
      <Button
        size="sm"
        variant="secondary"
        pending={pending}
        pendingLabel="Retrying…"
        onClick={() => void retry()}
        data-testid={testId}
      >
        {children}
      </Button>
      {message && (
        <p
          role={message.tone === "error" ? "alert" : "status"}
          className={`text-sm ${message.tone === "error" ? "text-red-700" : "text-slate-600"}`}
        >
          {message.text}
        </p>
      )}
    </>
  );
}
