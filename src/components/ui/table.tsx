// The parts every list table repeats: the frame, the caption, the header row and the per-row error/note lines.
import type { ReactNode } from "react";

/**
 * A column heading. `srOnly`: the column needs a name for screen readers but none on screen (Actions);
 * `hideBelow`: the column shows from that width up; `false` (from `cond && "Label"`): no such column.
 */
export type Column = string | false | { label: string; srOnly?: boolean; hideBelow?: "md" | "lg"; className?: string };

const HEAD = "border-b border-slate-200 bg-slate-50 text-xs uppercase tracking-wide text-slate-600";
const CELL = "px-3 py-2";
const HIDE_BELOW = { md: "hidden md:table-cell", lg: "hidden lg:table-cell" } as const;

/**
 * The header row. `stacked`: the table turns into cards on phones, so the header shows from `md` up only.
 * `className` replaces the header's look; `cellClass` the cells' padding.
 */
export function TableHead({
  columns,
  stacked = false,
  className,
  cellClass = CELL,
}: {
  columns: readonly Column[];
  stacked?: boolean;
  className?: string;
  cellClass?: string;
}) {
  return (
    <thead className={className ?? (stacked ? `hidden ${HEAD} md:table-header-group` : HEAD)}>
      <tr>
        {columns.map((c) => {
          if (c === false) return null;
          const col = typeof c === "string" ? { label: c } : c;
          const hide = col.hideBelow ? ` ${HIDE_BELOW[col.hideBelow]}` : "";
          return (
            <th key={col.label} scope="col" className={`${col.className ?? cellClass}${hide}`}>
              {col.srOnly ? <span className="sr-only">{col.label}</span> : col.label}
            </th>
          );
        })}
      </tr>
    </thead>
  );
}

/**
 * A list page's table: a white frame, the caption (for screen readers), the header row; the rows come as
 * children. `stacked`: on phones each row is a card (rows and cells use `block … md:table-row/cell`); otherwise
 * the frame scrolls sideways when the table is wider than the screen.
 */
export function ListTable({
  caption,
  columns,
  stacked = false,
  testId,
  busy,
  tableClass,
  children,
}: {
  caption: ReactNode;
  columns: readonly Column[];
  stacked?: boolean;
  testId?: string;
  busy?: boolean;
  /** extra classes for the table (a minimum width) */
  tableClass?: string;
  children: ReactNode;
}) {
  return (
    <div className={`${stacked ? "" : "overflow-x-auto "}rounded-lg border border-slate-200 bg-white`}>
      <table
        className={`${stacked ? "block w-full text-left text-sm md:table" : "w-full text-left text-sm"}${tableClass ? ` ${tableClass}` : ""}`}
        data-testid={testId}
        aria-busy={busy || undefined}
      >
        <caption className="sr-only">{caption}</caption>
        <TableHead columns={columns} stacked={stacked} />
        <tbody className={stacked ? "block divide-y divide-slate-100 md:table-row-group" : "divide-y divide-slate-100"}>
          {children}
        </tbody>
      </table>
    </div>
  );
}

/** A row's result line under its actions: the error (role=alert) or what the action did (role=status). */
export function RowMessages({
  error,
  note,
  className = "mt-1",
  errorTestId,
}: {
  error?: ReactNode;
  note?: ReactNode;
  className?: string;
  errorTestId?: string;
}) {
  return (
    <>
      {error ? (
        <p role="alert" className={`${className} text-red-700`} data-testid={errorTestId}>
          {error}
        </p>
      ) : null}
      {note ? (
        <p role="status" className={`${className} text-green-700`}>
          {note}
        </p>
      ) : null}
    </>
  );
}
