// Who is watching (or has taken over) the signed-in person's machines right now: loaded from /api/me/watchers
// when the first component asks (so a page opened after the watcher started shows it), then kept current by
// console.watching events and reloaded after the live channel came back. One store per tab, shared by every
// banner on the page.
import { useEffect, useSyncExternalStore } from "react";
import { RECONNECTED, subscribeLive } from "@/hooks/use-live-events";
import { api } from "@/lib/api";

export type Watcher = { sessionId: string; machineId: string; by: string; viewOnly: boolean };

let watchers: readonly Watcher[] = [];
const listeners = new Set<() => void>();
let users = 0;
let unsubscribe: (() => void) | null = null;
/** Events seen while a load is in flight: applied on top of its answer (the answer may predate them). */
let inFlight: { opened: Map<string, Watcher>; closed: Set<string> } | null = null;

function set(next: readonly Watcher[]) {
  watchers = next;
  for (const l of listeners) l();
}

async function load() {
  const seen = { opened: new Map<string, Watcher>(), closed: new Set<string>() };
  inFlight = seen;
  const res = await api<{ items: Watcher[] }>("/api/me/watchers");
  if (inFlight !== seen) return; // a newer load started
  inFlight = null;
  if (!res.ok) return;
  const byId = new Map(res.data.items.map((w) => [w.sessionId, w]));
  for (const [id, w] of seen.opened) byId.set(id, w);
  for (const id of seen.closed) byId.delete(id);
  set([...byId.values()]);
}

function onEvent(data: unknown, type: string) {
  if (type === RECONNECTED) {
    void load();
    return;
  }
  const d = (data ?? {}) as {
    machineId?: unknown;
    sessionId?: unknown;
    by?: unknown;
    viewOnly?: unknown;
    open?: unknown;
  };
  if (typeof d.sessionId !== "string" || typeof d.machineId !== "string") return;
  if (d.open) {
    const w: Watcher = {
      sessionId: d.sessionId,
      machineId: d.machineId,
      by: typeof d.by === "string" && d.by ? d.by : "Someone",
      viewOnly: d.viewOnly !== false,
    };
    inFlight?.opened.set(w.sessionId, w);
    inFlight?.closed.delete(w.sessionId);
    set([...watchers.filter((x) => x.sessionId !== w.sessionId), w]);
  } else {
    inFlight?.closed.add(d.sessionId);
    inFlight?.opened.delete(d.sessionId);
    set(watchers.filter((x) => x.sessionId !== d.sessionId));
  }
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

/** The current watchers of the signed-in person's machines (of one machine when `machineId` is given). */
export function useWatchers(machineId?: string): readonly Watcher[] {
  useEffect(() => {
    users++;
    if (users === 1) {
      unsubscribe = subscribeLive(["console.watching", RECONNECTED], onEvent);
      void load();
    }
    return () => {
      users--;
      if (users === 0) {
        unsubscribe?.();
        unsubscribe = null;
        inFlight = null;
        set([]);
      }
    };
  }, []);
  const all = useSyncExternalStore(
    subscribe,
    () => watchers,
    () => watchers,
  );
  return machineId ? all.filter((w) => w.machineId === machineId) : all;
}

/** The banner's sentence for one watcher. */
export function watcherText(w: Watcher): string {
  return w.viewOnly ? `${w.by} is watching your screen (view only)` : `${w.by} has taken over your console`;
}
