// Machine rows shared by the machines list and the details page, kept current by live events: an event patches
// the state at once, then the row is fetched again (coalesced, a few at a time) for everything else that may have
// changed with it (addresses, drift, display ports).
import { useCallback, useEffect, useState } from "react";
import { create } from "zustand";
import { useLiveEvents } from "@/hooks/use-live-events";
import { api } from "@/lib/api";
import type { TMachineRow } from "@/server/machines/routes";

export type MachineRow = TMachineRow;

type MachinesState = {
  byId: Record<string, MachineRow>;
  /** Ids the server said are gone (deleted event or 404), so a page can say so. */
  gone: Record<string, true>;
  upsert: (rows: readonly MachineRow[]) => void;
  patch: (id: string, change: Partial<MachineRow>) => void;
  remove: (id: string) => void;
};

export const useMachinesStore = create<MachinesState>()((set) => ({
  byId: {},
  gone: {},
  upsert: (rows) =>
    set((s) => {
      if (rows.length === 0) return s;
      const byId = { ...s.byId };
      let gone = s.gone;
      for (const row of rows) {
        byId[row.id] = row;
        if (gone[row.id]) {
          const { [row.id]: _, ...rest } = gone;
          gone = rest;
        }
      }
      return { byId, gone };
    }),
  patch: (id, change) =>
    set((s) => {
      const row = s.byId[id];
      if (!row) return s;
      return { byId: { ...s.byId, [id]: { ...row, ...change } } };
    }),
  remove: (id) =>
    set((s) => {
      const { [id]: _, ...byId } = s.byId;
      return { byId, gone: { ...s.gone, [id]: true } };
    }),
}));

const queued = new Set<string>();
let flushTimer: ReturnType<typeof setTimeout> | null = null;
const PARALLEL = 4;

/** Fetches one machine again soon (several calls within a moment become one request per machine). */
export function refreshMachine(id: string): void {
  queued.add(id);
  if (!flushTimer) flushTimer = setTimeout(() => void flush(), 250);
}

async function flush() {
  flushTimer = null;
  const ids = [...queued];
  queued.clear();
  const { upsert, remove } = useMachinesStore.getState();
  for (let i = 0; i < ids.length; i += PARALLEL) {
    await Promise.all(
      ids.slice(i, i + PARALLEL).map(async (id) => {
        const res = await api<MachineRow>(`/api/machines/${encodeURIComponent(id)}`);
        if (res.ok) upsert([res.data]);
        else if (res.error.status === 404) remove(id);
      }),
    );
  }
}

type MachineEvent = { id?: unknown; state?: unknown; stateDetail?: unknown };

/**
 * Keeps rows in the store current from machine.updated / machine.deleted. `onUnknown(id)` is called for an
 * update about a machine not in the store (a list may want to reload); `onReconnected` after the live channel
 * came back from a drop.
 */
export function useMachineLiveSync(
  options: { onUnknown?: (id: string) => void; onReconnected?: () => void; onDeleted?: (id: string) => void } = {},
): void {
  useLiveEvents(["machine.updated", "machine.deleted", "live.reconnected"], (data, type) => {
    if (type === "live.reconnected") {
      options.onReconnected?.();
      return;
    }
    const event = (data ?? {}) as MachineEvent;
    if (typeof event.id !== "string") return;
    const id = event.id;
    const store = useMachinesStore.getState();
    if (type === "machine.deleted") {
      store.remove(id);
      options.onDeleted?.(id);
      return;
    }
    if (!store.byId[id]) {
      options.onUnknown?.(id);
      return;
    }
    const change: Partial<MachineRow> = {};
    if (typeof event.state === "string") change.state = event.state as MachineRow["state"];
    if (typeof event.stateDetail === "string" || event.stateDetail === null) change.stateDetail = event.stateDetail;
    if (Object.keys(change).length) store.patch(id, change);
    refreshMachine(id);
  });
}

/**
 * One machine from the store, loaded now and kept live (reloaded on its events and after a reconnect). `error`
 * is the load's failure (status 404: not found or not visible); `load` retries.
 */
export function useMachine(id: string) {
  const machine = useMachinesStore((s) => s.byId[id]);
  const gone = useMachinesStore((s) => Boolean(s.gone[id]));
  const upsert = useMachinesStore((s) => s.upsert);
  const [error, setError] = useState<{ status: number; message: string } | null>(null);

  const load = useCallback(async () => {
    const res = await api<MachineRow>(`/api/machines/${encodeURIComponent(id)}`);
    if (res.ok) {
      upsert([res.data]);
      setError(null);
    } else {
      setError({ status: res.error.status, message: res.error.message });
    }
  }, [id, upsert]);

  useEffect(() => {
    void load();
  }, [load]);

  useMachineLiveSync({
    onUnknown: (eventId) => {
      if (eventId === id) void load();
    },
    onReconnected: () => void load(),
  });

  return { machine, gone, error, load };
}
