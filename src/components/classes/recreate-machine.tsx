"use client";

// "Re-create machine" on a roster row whose student has no machine (deleted by a teacher, or lost): a new one is
// made from the class's base through the same provisioning and quota as joining; its state arrives live.
import Link from "next/link";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { api } from "@/lib/api";
import type { JobView, TMachineRow } from "./types";

export function RecreateMachineButton({
  classId,
  user,
  onDone,
}: {
  classId: string;
  user: { id: string; name: string };
  onDone: () => void;
}) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [jobId, setJobId] = useState<string | null>(null);

  async function recreate() {
    setPending(true);
    setError(null);
    const res = await api<{ machine: TMachineRow; job: JobView }>(
      `/api/classes/${encodeURIComponent(classId)}/students/${encodeURIComponent(user.id)}/machine`,
      { method: "POST" },
    );
    setPending(false);
    if (!res.ok) {
      setError(res.error.message);
      return;
    }
    setJobId(res.data.job.id);
    onDone();
  }

  return (
    <div className="space-y-1">
      <Button
        size="sm"
        variant="secondary"
        pending={pending}
        pendingLabel="Re-creating…"
        onClick={() => void recreate()}
        aria-label={`Re-create ${user.name}'s machine`}
        data-testid="roster-recreate"
      >
        Re-create machine
      </Button>
      {jobId && (
        <p className="text-xs text-slate-600" role="status">
          Being created:{" "}
          <Link href={`/jobs/${encodeURIComponent(jobId)}`} className="text-brand-700 underline">
            see the job
          </Link>
        </p>
      )}
      {error && (
        <p role="alert" className="text-xs text-red-700">
          {error}
        </p>
      )}
    </div>
  );
}
