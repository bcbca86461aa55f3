"use client";

import { useId, useState } from "react";
import { EmptyState } from "@/components/empty-state";
import { LiveStatusNote } from "@/components/live-status-note";
import { RetryAlert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { FilterSelect, SearchField } from "@/components/ui/field";
import { Pager, pageInfo } from "@/components/ui/pager";
import { FormPanel, OpenPanelButton, PageHeader, usePanel } from "@/components/ui/panel";
import { useCoalesced } from "@/hooks/use-coalesced";
import { useDebounced } from "@/hooks/use-debounced";
import { useLatestRequest } from "@/hooks/use-latest-request";
import { usePage } from "@/hooks/use-page";
import { queryString } from "@/lib/api";
import { MACHINE_STATES, STATE_LABELS } from "@/lib/machine-states";
import { useMachineLiveSync, useMachinesStore } from "@/stores/machines-store";
import type { Role } from "./machine-bits";
import { MachineList } from "./machine-list";
import { NewMachinesForm } from "./new-machines-form";
import type { MachineList as MachineListData } from "./types";

type Scope = "mine" | "all";
const PAGE_SIZE = 50;

/** Scope tabs. Only admins have a second one: "class" needs a class id, which belongs on a class page. */
function scopesFor(role: Role): { value: Scope; label: string }[] {
  if (role === "ADMIN")
    return [
      { value: "mine", label: "Mine" },
      { value: "all", label: "All machines" },
    ];
  return [];
}

export function MachinesClient({ role }: { role: Role }) {
  const scopes = scopesFor(role);
  const canCreate = role === "ADMIN" || role === "TEACHER";
  const [scope, setScope] = useState<Scope>("mine");
  const [state, setState] = useState("");
  const [q, setQ] = useState("");
  const newPanel = usePanel();
  const debouncedQ = useDebounced(q, 300);
  const headingId = useId();
  const byId = useMachinesStore((s) => s.byId);
  const upsert = useMachinesStore((s) => s.upsert);
  // Back to the first page whenever the scope, search or a filter changes.
  const [page, setPage] = usePage([scope, state, debouncedQ]);
  const url = `/api/machines${queryString({ scope, page, pageSize: PAGE_SIZE, state, q: debouncedQ })}`;
  // The machines go to the store (live updates patch them there); the list keeps which ones, in order, and the paging.
  const {
    data: list,
    loading,
    error,
    reload,
  } = useLatestRequest<MachineListData>(url, { onData: (d) => upsert(d.items) });
  const scheduleReload = useCoalesced(() => void reload(), 1500);

  // A machine this list does not show yet (just created, or moved into the filter) → reload the list soon.
  useMachineLiveSync({ onUnknown: scheduleReload, onReconnected: scheduleReload, onDeleted: scheduleReload });

  const rows = (list?.items ?? []).map((m) => byId[m.id]).filter((m) => m !== undefined);
  const { from, to } = pageInfo(list);
  const filtered = Boolean(state || debouncedQ.trim());

  return (
    <div className="space-y-6">
      <PageHeader title="Machines" headingId={headingId}>
        {canCreate && (
          <OpenPanelButton panel={newPanel} controls="new-machines-panel" data-testid="new-machines-open">
            New machines
          </OpenPanelButton>
        )}
      </PageHeader>

      {canCreate && newPanel.open && (
        <FormPanel
          id="new-machines-panel"
          headingId="new-machines-heading"
          title="New machines"
          closeLabel="Close the new machines form"
          onClose={newPanel.hide}
        >
          <NewMachinesForm role={role} onCreated={scheduleReload} focusKey={newPanel.focusKey} />
        </FormPanel>
      )}

      <section aria-labelledby={headingId} className="space-y-3">
        {scopes.length > 0 && (
          <fieldset className="flex flex-wrap gap-1 rounded-md">
            <legend className="sr-only">Which machines</legend>
            {scopes.map((s) => (
              <Button
                key={s.value}
                size="sm"
                variant={scope === s.value ? "primary" : "secondary"}
                aria-pressed={scope === s.value}
                onClick={() => setScope(s.value)}
                data-testid={`scope-${s.value}`}
              >
                {s.label}
              </Button>
            ))}
          </fieldset>
        )}
        <search className="grid gap-3 sm:grid-cols-[1fr_auto]">
          <SearchField
            id="machine-search"
            placeholder="Machine name"
            value={q}
            onValue={setQ}
            data-testid="machine-search"
          />
          <FilterSelect
            id="machine-state-filter"
            label="State"
            value={state}
            onValue={setState}
            all="Any state"
            options={MACHINE_STATES.map((s) => [s, STATE_LABELS[s]] as const)}
            data-testid="machine-state-filter"
          />
        </search>

        <LiveStatusNote />
        {error && <RetryAlert onRetry={reload}>{error}</RetryAlert>}

        <p className="text-sm text-slate-600" aria-live="polite" data-testid="machines-count">
          {loading && !list
            ? "Loading machines…"
            : list && list.total > 0
              ? `Showing ${from}–${to} of ${list.total}`
              : ""}
        </p>

        {list && list.total === 0 && !loading && (
          <EmptyState title={filtered ? "No machines match" : "No machines yet"}>
            {filtered
              ? "Try another search or state."
              : canCreate
                ? "Create machines from a ready template with “New machines”."
                : "When your teacher gives you a lab machine, it appears here."}
          </EmptyState>
        )}

        {rows.length > 0 && <MachineList machines={rows} role={role} busy={loading} />}

        {list && list.total > list.pageSize && <Pager list={list} page={page} onPage={setPage} busy={loading} />}
      </section>
    </div>
  );
}
