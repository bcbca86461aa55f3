"use client";

import { useCallback } from "react";
import { EmptyState } from "@/components/empty-state";
import { LiveStatusNote } from "@/components/live-status-note";
import { RetryAlert } from "@/components/ui/alert";
import { FormPanel, OpenPanelButton, PageHeader, usePanel } from "@/components/ui/panel";
import { useCoalesced } from "@/hooks/use-coalesced";
import { useLatestItems } from "@/hooks/use-latest-request";
import { useLiveEvents } from "@/hooks/use-live-events";
import { api } from "@/lib/api";
import { HostForm } from "./host-form";
import { HostsTable } from "./hosts-table";
import type { HostRow } from "./types";

const byName = (a: HostRow, b: HostRow) => a.name.localeCompare(b.name);

export function HostsClient() {
  const {
    items: hosts,
    error,
    reload: load,
    upsert,
    remove,
  } = useLatestItems<HostRow>("/api/admin/hosts", { order: byName });
  const newPanel = usePanel();

  const refreshHost = useCallback(
    async (id: string) => {
      const res = await api<HostRow>(`/api/admin/hosts/${encodeURIComponent(id)}`);
      if (res.ok) upsert(res.data);
      else if (res.error.status === 404) remove(id);
    },
    [upsert, remove],
  );

  /** Machines come and go → used capacity changes; one list reload a few seconds later covers a burst. */
  const scheduleReload = useCoalesced(() => void load(), 3000);

  useLiveEvents(["host.updated", "machine.deleted", "job.updated", "live.reconnected"], (data, type) => {
    if (type === "host.updated") {
      const id = (data as { id?: unknown } | null)?.id;
      if (typeof id === "string") void refreshHost(id);
      return;
    }
    scheduleReload();
  });

  return (
    <div className="space-y-6">
      <PageHeader
        title="Hosts"
        description="The libvirt and Docker hosts machines run on. Each is probed regularly; status changes show here at once."
      >
        <OpenPanelButton panel={newPanel} controls="new-host-panel" data-testid="new-host-open">
          Add host
        </OpenPanelButton>
      </PageHeader>

      {newPanel.open && (
        <FormPanel
          id="new-host-panel"
          headingId="new-host-heading"
          title="Add host"
          closeLabel="Close the add host form"
          onClose={newPanel.hide}
        >
          <HostForm onCreated={upsert} focusKey={newPanel.focusKey} />
        </FormPanel>
      )}

      <LiveStatusNote />
      {error && <RetryAlert onRetry={load}>{error}</RetryAlert>}

      {!hosts && !error && (
        <p role="status" className="text-sm text-slate-600">
          Loading hosts…
        </p>
      )}
      {hosts && hosts.length === 0 && (
        <EmptyState title="No hosts yet">
          Add a libvirt host for virtual machines or a Docker host for containers. The connection is tested before it is
          saved.
        </EmptyState>
      )}
      {hosts && hosts.length > 0 && <HostsTable hosts={hosts} onChanged={upsert} onRemoved={remove} />}
    </div>
  );
}
