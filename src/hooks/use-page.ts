// The page a paged list asks for (see Pager in src/components/ui/pager.tsx).
import { type Dispatch, type SetStateAction, useEffect, useState } from "react";

/** The page to ask for, back to 1 whenever one of `resetOn` (the search, the filters, the sort) changes. */
export function usePage(resetOn: readonly unknown[]): [number, Dispatch<SetStateAction<number>>] {
  const [page, setPage] = useState(1);
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset when the filter changes, whatever it is
  useEffect(() => setPage(1), resetOn);
  return [page, setPage];
}
