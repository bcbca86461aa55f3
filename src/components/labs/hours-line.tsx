// Lab hours for one machine's card: used and left this month, with a bar. null totals mean "no limit".
import { formatDuration } from "@/components/classes/types";

export type HoursView = { usedSeconds: number; leftSeconds: number | null; totalSeconds: number | null };

export function HoursLine({ hours }: { hours: HoursView }) {
  const { usedSeconds, leftSeconds, totalSeconds } = hours;
  const low = leftSeconds !== null && leftSeconds <= 15 * 60;
  const pct = totalSeconds ? Math.min(100, (usedSeconds / totalSeconds) * 100) : 0;
  return (
    <div className="text-sm" data-testid="lab-hours">
      <p className={low ? "font-medium text-red-800" : "text-slate-700"}>
        {formatDuration(usedSeconds)} used this month
        {leftSeconds === null ? " · no hour limit" : ` · ${formatDuration(leftSeconds)} left`}
      </p>
      {totalSeconds !== null && totalSeconds > 0 && (
        <div
          role="meter"
          aria-label="Lab hours used this month"
          aria-valuemin={0}
          aria-valuemax={totalSeconds}
          aria-valuenow={Math.min(usedSeconds, totalSeconds)}
          aria-valuetext={`${formatDuration(usedSeconds)} of ${formatDuration(totalSeconds)} used`}
          className="mt-1 h-1.5 w-full overflow-hidden rounded-full bg-slate-200"
        >
          <div className={`h-full ${low ? "bg-red-600" : "bg-brand-600"}`} style={{ width: `${pct}%` }} />
        </div>
      )}
    </div>
  );
}
