// A used-vs-limit bar: green, amber from 80 %, red when full; an unlimited limit shows no bar.
export function UsageBar({
  used,
  limit,
  label,
  text,
}: {
  used: number;
  limit: number | null;
  label: string;
  text: string;
}) {
  const fraction = limit === null ? 0 : limit === 0 ? (used > 0 ? 1 : 1) : Math.min(1, used / limit);
  const tone = limit === null ? "" : fraction >= 1 ? "bg-red-500" : fraction >= 0.8 ? "bg-amber-500" : "bg-green-500";
  return (
    <div className="min-w-[5.5rem]">
      <div className="tabular-nums text-slate-800">{text}</div>
      {limit !== null && (
        <div
          role="meter"
          aria-label={label}
          aria-valuemin={0}
          aria-valuemax={limit}
          aria-valuenow={Math.min(used, limit)}
          aria-valuetext={text}
          className="mt-1 h-1.5 w-full overflow-hidden rounded-full bg-slate-200"
        >
          <div className={`h-full ${tone}`} style={{ width: `${Math.round(fraction * 100)}%` }} />
        </div>
      )}
    </div>
  );
}
