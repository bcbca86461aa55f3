// A small line chart in plain SVG (no chart library). Accessible: the figure is labelled with the current value,
// and an aria description says what the line covers (lowest, highest, how many samples).
import { useId } from "react";

type Props = {
  /** Oldest first; null where there was no reading (a gap). */
  values: (number | null)[];
  /** Top of the chart (100 for percentages); default: the largest value. */
  max?: number;
  label: string;
  /** The current value as a person reads it ("23 %", "410 MiB of 1 GiB"). */
  current: string;
  /** How a value is said in the description ("12 %"). */
  format: (value: number) => string;
  width?: number;
  height?: number;
};

export function Sparkline({ values, max, label, current, format, width = 120, height = 28 }: Props) {
  const descId = useId();
  const known = values.filter((v): v is number => v !== null);
  const top = max ?? Math.max(1, ...known);
  const step = values.length > 1 ? width / (values.length - 1) : width;
  const y = (v: number) => height - 1 - (Math.min(v, top) / top) * (height - 2);
  // one path with a move (M) after every gap
  let d = "";
  let pen = false;
  values.forEach((v, i) => {
    if (v === null) {
      pen = false;
      return;
    }
    d += `${pen ? "L" : "M"}${(i * step).toFixed(1)},${y(v).toFixed(1)} `;
    pen = true;
  });
  const description = known.length
    ? `${known.length} samples: lowest ${format(Math.min(...known))}, highest ${format(Math.max(...known))}.`
    : "No samples yet.";
  return (
    <figure className="flex items-center gap-2" data-testid="sparkline">
      <svg
        role="img"
        aria-label={`${label}: ${current}`}
        aria-describedby={descId}
        width={width}
        height={height}
        viewBox={`0 0 ${width} ${height}`}
        className="shrink-0 rounded bg-slate-50 text-brand-600"
      >
        {known.length === 1 && <circle cx={width - 2} cy={y(known[0] as number)} r={1.5} fill="currentColor" />}
        {d && <path d={d} fill="none" stroke="currentColor" strokeWidth={1.5} strokeLinejoin="round" />}
      </svg>
      <figcaption className="text-xs text-slate-700">
        <span className="font-medium">{label}</span> <span data-testid="sparkline-value">{current}</span>
        <span id={descId} className="sr-only">
          {description}
        </span>
      </figcaption>
    </figure>
  );
}
