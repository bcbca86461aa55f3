"use client";
// A host's CPU, memory and free disk as sparklines (shown under the host's row on the hosts page).
import { formatBytes } from "@/components/templates/types";
import { useStats } from "@/hooks/use-stats";
import type { THostStats } from "@/server/stats/routes";
import { Sparkline } from "./sparkline";

const percent = (v: number) => `${Math.round(v)} %`;

export function HostStats({ hostId }: { hostId: string }) {
  const { data, error } = useStats<THostStats>(`/api/admin/hosts/${encodeURIComponent(hostId)}/stats`);
  const samples = data?.samples ?? [];
  const last = samples.at(-1);
  if (error) return <p className="text-xs text-red-700">{error}</p>;
  if (!last)
    return <p className="text-xs text-slate-500">{data ? "No readings (is the host offline?)" : "Measuring…"}</p>;
  return (
    <div className="flex flex-wrap gap-x-6 gap-y-2" data-testid={`host-stats-${hostId}`}>
      <Sparkline
        label="CPU"
        values={samples.map((s) => s.cpuPercent)}
        max={100}
        current={last.cpuPercent == null ? "measuring…" : percent(last.cpuPercent)}
        format={percent}
      />
      <Sparkline
        label="Memory"
        values={samples.map((s) => s.memoryUsedBytes)}
        max={last.memoryTotalBytes ?? undefined}
        current={
          last.memoryUsedBytes == null
            ? `${last.memoryTotalBytes == null ? "unknown" : `${formatBytes(last.memoryTotalBytes)} in all`}`
            : `${formatBytes(last.memoryUsedBytes)} of ${formatBytes(last.memoryTotalBytes ?? 0)}`
        }
        format={formatBytes}
      />
      <Sparkline
        label="Free disk"
        values={samples.map((s) => s.diskFreeBytes)}
        max={last.diskTotalBytes ?? undefined}
        current={
          last.diskFreeBytes == null
            ? "unknown"
            : `${formatBytes(last.diskFreeBytes)}${last.diskTotalBytes ? ` of ${formatBytes(last.diskTotalBytes)}` : ""}`
        }
        format={formatBytes}
      />
    </div>
  );
}
