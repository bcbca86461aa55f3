// Paging for list pages whose API answers { items, total, page, pageSize }.
import type { Dispatch, SetStateAction } from "react";
import { Button } from "./button";

export type PageMeta = { total: number; page: number; pageSize: number };

/** The number of pages (at least 1) and the items the page shows, 1-based ("Showing 26–50 of 120"); 0–0 when there are none. */
export function pageInfo(list: PageMeta | null): { pages: number; from: number; to: number } {
  if (!list) return { pages: 1, from: 0, to: 0 };
  return {
    pages: Math.max(1, Math.ceil(list.total / list.pageSize)),
    from: list.total > 0 ? (list.page - 1) * list.pageSize + 1 : 0,
    to: Math.min(list.total, list.page * list.pageSize),
  };
}

/**
 * Previous / "Page X of Y" / Next. The buttons move `page` (the page asked for) and wait while `busy`; the label shows
 * the page of `list`, the answer on screen.
 */
export function Pager({
  list,
  page,
  onPage,
  busy,
}: {
  list: PageMeta;
  page: number;
  onPage: Dispatch<SetStateAction<number>>;
  busy: boolean;
}) {
  const { pages } = pageInfo(list);
  return (
    <nav aria-label="Pages" className="flex items-center justify-between gap-2">
      <Button variant="secondary" size="sm" disabled={page <= 1 || busy} onClick={() => onPage((p) => p - 1)}>
        Previous
      </Button>
      <span className="text-sm text-slate-600">
        Page {list.page} of {pages}
      </span>
      <Button variant="secondary" size="sm" disabled={page >= pages || busy} onClick={() => onPage((p) => p + 1)}>
        Next
      </Button>
    </nav>
  );
}
