"use client";

import { useCallback, useEffect, useId, useRef, useState } from "react";
import { EmptyState } from "@/components/empty-state";
import { Alert } from "@/components/ui/alert";
import { api } from "@/components/ui/api";
import { Button } from "@/components/ui/button";
import { SelectField, TextField } from "@/components/ui/field";
import { liveStatusText, useLiveStatus } from "@/hooks/use-live-events";
import { MACHINE_STATES, STATE_LABELS } from "@/lib/machine-states";
import { useMachineLiveSync, useMachinesStore } from "@/stores/machines-store";
import type { Role } from "./machine-bits";
import { MachineList } from "./machine-list";
import { NewMachinesForm } from "./new-machines-form";
import type { MachineList as MachineListData } from "./types";

type Scope = "mine" | "all";
const PAGE_SIZE = 50;

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

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
  const [page, setPage] = useState(1);
  const [ids, setIds] = useState<string[] | null>(null);
  const [meta, setMeta] = useState<{ total: number; page: number; pageSize: number } | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [showNew, setShowNew] = useState(false);
  const [newFocus, setNewFocus] = useState(0);
  const debouncedQ = useDebounced(q, 300);
  const requestId = useRef(0);
  const reloadTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const headingId = useId();
  const byId = useMachinesStore((s) => s.byId);
  const upsert = useMachinesStore((s) => s.upsert);
  const liveText = liveStatusText(useLiveStatus());

  const load = useCallback(async () => {
    const id = ++requestId.current;
    setLoading(true);
    const params = new URLSearchParams({ scope, page: String(page), pageSize: String(PAGE_SIZE) });
    if (state) params.set("state", state);
    if (debouncedQ.trim()) params.set("q", debouncedQ.trim());
    const res = await api<MachineListData>(`/api/machines?${params}`);
    if (id !== requestId.current) return; // a newer request answered already
    setLoading(false);
    if (res.ok) {
      upsert(res.data.items);
      setIds(res.data.items.map((m) => m.id));
      setMeta({ total: res.data.total, page: res.data.page, pageSize: res.data.pageSize });
      setError(null);
    } else {
      setError(res.error.message);
    }
  }, [scope, state, debouncedQ, page, upsert]);

  useEffect(() => {
    void load();
  }, [load]);

  // Back to the first page whenever the scope, search or a filter changes.
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset on filter change only
  useEffect(() => setPage(1), [scope, state, debouncedQ]);

  const loadRef = useRef(load);
  useEffect(() => {
    loadRef.current = load;
  });
  const scheduleReload = useCallback(() => {
    if (reloadTimer.current) return;
    reloadTimer.current = setTimeout(() => {
      reloadTimer.current = null;
      void loadRef.current();
    }, 1500);
  }, []);
  useEffect(
    () => () => {
      if (reloadTimer.current) clearTimeout(reloadTimer.current);
    },
    [],
  );

  // A machine this list does not show yet (just created, or moved into the filter) → reload the list soon.
  useMachineLiveSync({ onUnknown: scheduleReload, onReconnected: scheduleReload, onDeleted: scheduleReload });

  function openNew() {
    setShowNew(true);
    setNewFocus((n) => n + 1);
  }

  const rows = (ids ?? []).map((id) => byId[id]).filter((m) => m !== undefined);
  const pages = meta ? Math.max(1, Math.ceil(meta.total / meta.pageSize)) : 1;
  const from = meta && meta.total > 0 ? (meta.page - 1) * meta.pageSize + 1 : 0;
  const to = meta ? Math.min(meta.total, meta.page * meta.pageSize) : 0;
  const filtered = Boolean(state || debouncedQ.trim());

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 id={headingId} className="text-2xl font-semibold">
          Machines
        </h1>
        {canCreate && (
          <Button aria-expanded={showNew} aria-controls="new-machines-panel" onClick={openNew} data-testid="new-machines-open">
            New machines
          </Button>
        )}
      </div>

      {canCreate && showNew && (
        <section id="new-machines-panel" className="rounded-lg border border-slate-200 bg-white p-4">
          <div className="mb-3 flex items-center justify-between gap-2">
            <h2 id="new-machines-heading" className="font-semibold">
              New machines
            </h2>
            <Button variant="ghost" size="sm" onClick={() => setShowNew(false)} aria-label="Close the new machines form">
              Close
            </Button>
          </div>
          <NewMachinesForm role={role} onCreated={scheduleReload} focusKey={newFocus} />
        </section>
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
          <TextField
            id="machine-search"
            label="Search"
            type="search"
            placeholder="Machine name"
            value={q}
            onChange={(e) => setQ(e.target.value)}
            autoComplete="off"
            data-testid="machine-search"
          />
          <SelectField id="machine-state-filter" label="State" value={state} onChange={(e) => setState(e.target.value)} data-testid="machine-state-filter">
            <option value="">Any state</option>
            {MACHINE_STATES.map((s) => (
              <option key={s} value={s}>
                {STATE_LABELS[s]}
              </option>
            ))}
          </SelectField>
        </search>

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

        <p className="text-sm text-slate-600" aria-live="polite" data-testid="machines-count">
          {loading && !meta ? "Loading machines…" : meta && meta.total > 0 ? `Showing ${from}–${to} of ${meta.total}` : ""}
        </p>

        {meta && meta.total === 0 && !loading && (
          <EmptyState title={filtered ? "No machines match" : "No machines yet"}>
            {filtered
              ? "Try another search or state."
              : canCreate
                ? "Create machines from a ready template with “New machines”."
                : "When your teacher gives you a lab machine, it appears here."}
          </EmptyState>
        )}

        {rows.length > 0 && <MachineList machines={rows} role={role} busy={loading} />}

        {meta && meta.total > meta.pageSize && (
          <nav aria-label="Pages" className="flex items-center justify-between gap-2">
            <Button variant="secondary" size="sm" disabled={page <= 1 || loading} onClick={() => setPage((p) => p - 1)}>
              Previous
            </Button>
            <span className="text-sm text-slate-600">
              Page {meta.page} of {pages}
            </span>
            <Button variant="secondary" size="sm" disabled={page >= pages || loading} onClick={() => setPage((p) => p + 1)}>
              Next
            </Button>
          </nav>
        )}
      </section>
    </div>
  );
}
