"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { EmptyState } from "@/components/empty-state";
import { Alert } from "@/components/ui/alert";
import { api } from "@/components/ui/api";
import { Button } from "@/components/ui/button";
import { liveStatusText, useLiveEvents, useLiveStatus } from "@/hooks/use-live-events";
import { HostForm } from "./host-form";
import { HostsTable } from "./hosts-table";
import type { HostRow } from "./types";

const byName = (a: HostRow, b: HostRow) => a.name.localeCompare(b.name);

export function HostsClient() {
  const [hosts, setHosts] = useState<HostRow[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [showNew, setShowNew] = useState(false);
  const [newFocus, setNewFocus] = useState(0);
  const reloadTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const liveText = liveStatusText(useLiveStatus());

  const load = useCallback(async () => {
    const res = await api<{ items: HostRow[] }>("/api/admin/hosts");
    if (res.ok) {
      setHosts(res.data.items);
      setError(null);
    } else {
      setError(res.error.message);
    }
  }, []);

  useEffect(() => {
    void load();
    return () => {
      if (reloadTimer.current) clearTimeout(reloadTimer.current);
    };
  }, [load]);

  const upsert = useCallback((row: HostRow) => setHosts((list) => [...(list ?? []).filter((h) => h.id !== row.id), row].sort(byName)), []);
  const remove = useCallback((id: string) => setHosts((list) => (list ? list.filter((h) => h.id !== id) : list)), []);

  const refreshHost = useCallback(
    async (id: string) => {
      const res = await api<HostRow>(`/api/admin/hosts/${encodeURIComponent(id)}`);
      if (res.ok) upsert(res.data);
      else if (res.error.status === 404) remove(id);
    },
    [upsert, remove],
  );

  /** Machines come and go → used capacity changes; one list reload a few seconds later covers a burst. */
  const scheduleReload = useCallback(() => {
    if (reloadTimer.current) return;
    reloadTimer.current = setTimeout(() => {
      reloadTimer.current = null;
      void load();
    }, 3000);
  }, [load]);

  useLiveEvents(["host.updated", "machine.deleted", "job.updated", "live.reconnected"], (data, type) => {
    if (type === "host.updated") {
      const id = (data as { id?: unknown } | null)?.id;
      if (typeof id === "string") void refreshHost(id);
      return;
    }
    scheduleReload();
  });

  function openNew() {
    setShowNew(true);
    setNewFocus((n) => n + 1);
  }

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold">Hosts</h1>
          <p className="mt-1 text-sm text-slate-600">The libvirt and Docker hosts machines run on. Each is probed regularly; status changes show here at once.</p>
        </div>
        <Button aria-expanded={showNew} aria-controls="new-host-panel" onClick={openNew} data-testid="new-host-open">
          Add host
        </Button>
      </div>

      {showNew && (
        <section id="new-host-panel" className="rounded-lg border border-slate-200 bg-white p-4">
          <div className="mb-3 flex items-center justify-between gap-2">
            <h2 id="new-host-heading" className="font-semibold">
              Add host
            </h2>
            <Button variant="ghost" size="sm" onClick={() => setShowNew(false)} aria-label="Close the add host form">
              Close
            </Button>
          </div>
          <HostForm onCreated={upsert} focusKey={newFocus} />
        </section>
      )}

      {liveText && (
        <p role="status" className="text-sm text-amber-800">
          {liveText}
        </p>
      )}
      {error && (
        <Alert tone="error">
          {error}{" "}
          <button type="button" className="font-medium underline" onClick={() => void load()}>
            Try again
          </button>
        </Alert>
      )}

      {!hosts && !error && (
        <p role="status" className="text-sm text-slate-600">
          Loading hosts…
        </p>
      )}
      {hosts && hosts.length === 0 && (
        <EmptyState title="No hosts yet">Add a libvirt host for virtual machines or a Docker host for containers. The connection is tested before it is saved.</EmptyState>
      )}
      {hosts && hosts.length > 0 && <HostsTable hosts={hosts} onChanged={upsert} onRemoved={remove} />}
    </div>
  );
}
