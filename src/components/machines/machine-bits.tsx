// Small pieces shared by the machines list and the details page: the state badge, the drift warning, formatting.
import { isBusy, type MachineState, STATE_LABELS } from "@/lib/machine-states";
import type { MachineRow } from "@/stores/machines-store";

export type Role = "ADMIN" | "TEACHER" | "STUDENT";

const STATE_CLASS: Record<MachineState, string> = {
  PROVISIONING: "bg-brand-50 text-brand-700 ring-brand-100",
  STOPPED: "bg-slate-100 text-slate-700 ring-slate-200",
  STARTING: "bg-brand-50 text-brand-700 ring-brand-100",
  RUNNING: "bg-green-100 text-green-800 ring-green-200",
  STOPPING: "bg-brand-50 text-brand-700 ring-brand-100",
  REBOOTING: "bg-brand-50 text-brand-700 ring-brand-100",
  REVERTING: "bg-brand-50 text-brand-700 ring-brand-100",
  DELETING: "bg-brand-50 text-brand-700 ring-brand-100",
  FAILED: "bg-red-100 text-red-800 ring-red-200",
  UNKNOWN: "bg-amber-100 text-amber-900 ring-amber-200",
};

export function Spinner({ className = "h-3 w-3" }: { className?: string }) {
  return (
    <span
      aria-hidden="true"
      className={`inline-block shrink-0 animate-spin rounded-full border-2 border-current border-t-transparent motion-reduce:animate-none ${className}`}
    />
  );
}

export function StateBadge({ state, testId }: { state: MachineState; testId?: string }) {
  const busy = isBusy(state);
  return (
    <span
      data-testid={testId}
      data-state={state}
      className={`inline-flex items-center gap-1.5 whitespace-nowrap rounded px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${STATE_CLASS[state] ?? STATE_CLASS.UNKNOWN}`}
    >
      {busy && <Spinner />}
      {STATE_LABELS[state] ?? state}
      {busy && <span className="sr-only"> (in progress)</span>}
    </span>
  );
}

export function DriftBadge({ drift, driftAt }: { drift: string; driftAt: string | null }) {
  return (
    <p className="mt-1 flex flex-wrap items-start gap-1.5 text-xs text-amber-900" data-testid="machine-drift">
      <span className="inline-block rounded bg-amber-100 px-1.5 py-0.5 font-medium ring-1 ring-inset ring-amber-300">
        Drift
      </span>
      <span className="min-w-0 break-words">
        {drift}
        {driftAt && <span className="text-amber-700"> (noticed {formatDate(driftAt)})</span>}
      </span>
    </p>
  );
}

export function formatDate(iso: string | null): string {
  if (!iso) return "—";
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

export function formatMemory(mb: number): string {
  return mb >= 1024 && mb % 1024 === 0
    ? `${mb / 1024} GiB`
    : mb >= 1024
      ? `${(mb / 1024).toFixed(1)} GiB`
      : `${mb} MiB`;
}

export function specsText(m: Pick<MachineRow, "vcpus" | "memoryMb" | "diskGb">): string {
  return `${m.vcpus} vCPU · ${formatMemory(m.memoryMb)} RAM · ${m.diskGb} GB disk`;
}

export function kindLabel(kind: MachineRow["kind"]): string {
  return kind === "DOCKER" ? "Container" : "VM";
}
