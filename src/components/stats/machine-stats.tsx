"use client";
// A machine's CPU, memory and disk as sparklines (the last samples the portal took while this page was open).
import { formatBytes } from "@/components/templates/types";
import { useStats } from "@/hooks/use-stats";
import type { TMachineStats } from "@/server/stats/routes";
import { Sparkline } from "./sparkline";

const percent = (v: number) => `${Math.round(v)} %`;
const rate = (v: number) => `${formatBytes(v)}/s`;

export function MachineStats({ machineId, running }: { machineId: string; running: boolean }) {
  const { data, error } = useStats<TMachineStats>(`/api/machines/${encodeURIComponent(machineId)}/stats`, running);
  if (!running) return null;
  const samples = data?.samples ?? [];
  const last = samples.at(-1);
  const limit = last?.memoryLimitBytes ?? undefined;
  return (
    <section aria-labelledby="machine-stats" className="rounded-lg border border-slate-200 bg-white p-4">
      <h2 id="machine-stats" className="mb-2 font-semibold">
        Usage
      </h2>
      {error && <p className="text-sm text-red-700">{error}</p>}
      {!error && samples.length === 0 && <p className="text-sm text-slate-600">Measuring…</p>}
      {samples.length > 0 && (
        <div className="flex flex-wrap gap-x-6 gap-y-2">
          <Sparkline
            label="CPU"
            values={samples.map((s) => s.cpuPercent)}
            max={100}
            current={last?.cpuPercent == null ? "measuring…" : percent(last.cpuPercent)}
            format={percent}
          />
          <Sparkline
            label="Memory"
            values={samples.map((s) => s.memoryBytes)}
            max={limit}
            current={
              last?.memoryBytes == null
                ? "unknown"
                : `${formatBytes(last.memoryBytes)}${limit ? ` of ${formatBytes(limit)}` : ""}`
            }
            format={formatBytes}
          />
          <Sparkline
            label="Disk I/O"
            values={samples.map((s) => s.ioBytesPerSecond)}
            current={
              [
                last?.ioBytesPerSecond == null ? null : rate(last.ioBytesPerSecond),
                last?.diskBytes == null ? null : `${formatBytes(last.diskBytes)} on disk`,
              ]
                .filter(Boolean)
                .join(" · ") || "measuring…"
            }
            format={rate}
          />
        </div>
      )}
    </section>
  );
}
