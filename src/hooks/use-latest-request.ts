// Loading a list (or any JSON) for a client component: GET `url` whenever it changes, keep only the newest answer.
import { type Dispatch, type SetStateAction, useCallback, useEffect, useRef, useState } from "react";
import { api } from "@/lib/api";

export type LatestRequest<T> = {
  /** The last answer that arrived; null until the first. Kept while a newer request runs or after one fails. */
  data: T | null;
  setData: Dispatch<SetStateAction<T | null>>;
  /** From each request until the newest one answers. */
  loading: boolean;
  /** The newest request's failure, cleared by the next success. */
  error: string | null;
  setError: Dispatch<SetStateAction<string | null>>;
  /** Requests `url` again (a "Try again" button, a live event, a form that created a row). */
  reload: () => Promise<void>;
};

/**
 * GETs `url` with `api()` on mount, whenever `url` or `reloadKey` changes, and on `reload()`. An answer that arrives after a
 * newer request started (a search typed further meanwhile) is dropped, so a slow old answer never replaces a newer one.
 * `onData` sees each accepted answer before it is stored (to fill a shared store, say).
 */
export function useLatestRequest<T>(
  url: string,
  { onData, reloadKey }: { onData?: (data: T) => void; reloadKey?: unknown } = {},
): LatestRequest<T> {
  const [data, setData] = useState<T | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const requestId = useRef(0);
  const onDataRef = useRef(onData);
  useEffect(() => {
    onDataRef.current = onData;
  });

  const reload = useCallback(async () => {
    const id = ++requestId.current;
    setLoading(true);
    const res = await api<T>(url);
    if (id !== requestId.current) return; // a newer request started meanwhile: its answer counts
    setLoading(false);
    if (res.ok) {
      onDataRef.current?.(res.data);
      setData(res.data);
      setError(null);
    } else setError(res.error.message);
  }, [url]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: reloadKey asks for a reload from the parent
  useEffect(() => {
    void reload();
  }, [reload, reloadKey]);

  return { data, setData, loading, error, setError, reload };
}

export type LatestItems<T> = Omit<LatestRequest<{ items: T[] }>, "data" | "setData"> & {
  /** The list of the last answer; null until the first. */
  items: T[] | null;
  /** Puts a changed row in its place, a new one at the end (sorted by `order`, when given). */
  upsert: (row: T) => void;
  /** Takes a row out (it was deleted, or a reload of it answered 404). */
  remove: (id: string) => void;
};

/** `useLatestRequest` for an `{ items }` answer whose rows a page also updates one by one (live events, dialogs). */
export function useLatestItems<T extends { id: string }>(
  url: string,
  {
    order,
    ...options
  }: { order?: (a: T, b: T) => number; onData?: (data: { items: T[] }) => void; reloadKey?: unknown } = {},
): LatestItems<T> {
  const { data, setData, ...rest } = useLatestRequest<{ items: T[] }>(url, options);
  const upsert = useCallback(
    (row: T) =>
      setData((d) => {
        const list = d?.items ?? [];
        const items = list.some((r) => r.id === row.id) ? list.map((r) => (r.id === row.id ? row : r)) : [...list, row];
        return { ...d, items: order ? items.sort(order) : items };
      }),
    [setData, order],
  );
  const remove = useCallback(
    (id: string) => setData((d) => (d ? { ...d, items: d.items.filter((r) => r.id !== id) } : d)),
    [setData],
  );
  return { ...rest, items: data?.items ?? null, upsert, remove };
}
