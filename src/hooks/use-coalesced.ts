import { useCallback, useEffect, useRef } from "react";

/**
 * A stable function that calls the latest `fn` once, `ms` after the first call of a burst; calls while that one is
 * pending join it (a burst of live events → one reload). A call still pending when the component goes is dropped.
 */
export function useCoalesced(fn: () => void, ms: number): () => void {
  const fnRef = useRef(fn);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => {
    fnRef.current = fn;
  });
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
      timer.current = null;
    },
    [],
  );
  return useCallback(() => {
    if (timer.current) return;
    timer.current = setTimeout(() => {
      timer.current = null;
      fnRef.current();
    }, ms);
  }, [ms]);
}
