"use client";

import { useCallback, useEffect, useId, useRef, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { api } from "@/components/ui/api";
import { Button } from "@/components/ui/button";
import { SelectField, TextField } from "@/components/ui/field";
import { ImportPanel } from "./import-panel";
import { NewUserForm } from "./new-user-form";
import { ROLE_LABELS, ROLES, type UserList, type UserRow } from "./types";
import { UsersTable } from "./users-table";

const PAGE_SIZE = 25;

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

export function UsersClient({ currentUserId }: { currentUserId: string }) {
  const [q, setQ] = useState("");
  const [role, setRole] = useState("");
  const [status, setStatus] = useState("");
  const [page, setPage] = useState(1);
  const [data, setData] = useState<UserList | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [showNew, setShowNew] = useState(false);
  const [showImport, setShowImport] = useState(false);
  // Bumped on every "open" click so the panel moves focus to its first field, even when it is already open.
  const [newFocus, setNewFocus] = useState(0);
  const [importFocus, setImportFocus] = useState(0);
  const debouncedQ = useDebounced(q, 300);
  const requestId = useRef(0);
  const headingId = useId();

  const load = useCallback(async () => {
    const id = ++requestId.current;
    setLoading(true);
    const params = new URLSearchParams({ page: String(page), pageSize: String(PAGE_SIZE) });
    if (debouncedQ.trim()) params.set("q", debouncedQ.trim());
    if (role) params.set("role", role);
    if (status) params.set("status", status);
    const res = await api<UserList>(`/api/admin/users?${params}`);
    if (id !== requestId.current) return; // a newer search answered already
    setLoading(false);
    if (res.ok) {
      setData(res.data);
      setError(null);
    } else {
      setError(res.error.message);
    }
  }, [debouncedQ, role, status, page]);

  useEffect(() => {
    void load();
  }, [load]);

  // Back to the first page whenever the search or a filter changes.
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset on filter change only
  useEffect(() => setPage(1), [debouncedQ, role, status]);

  function openPanel(which: "new" | "import") {
    if (which === "new") {
      setShowNew(true);
      setNewFocus((n) => n + 1);
    } else {
      setShowImport(true);
      setImportFocus((n) => n + 1);
    }
  }

  const replaceRow = (row: UserRow) => setData((d) => (d ? { ...d, items: d.items.map((u) => (u.id === row.id ? row : u)) } : d));
  const pages = data ? Math.max(1, Math.ceil(data.total / data.pageSize)) : 1;
  const from = data && data.total > 0 ? (data.page - 1) * data.pageSize + 1 : 0;
  const to = data ? Math.min(data.total, data.page * data.pageSize) : 0;

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 id={headingId} className="text-2xl font-semibold">
          Users
        </h1>
        <div className="flex flex-wrap gap-2">
          <Button aria-expanded={showNew} aria-controls="new-user-panel" onClick={() => openPanel("new")} data-testid="new-user-open">
            New user
          </Button>
          <Button variant="secondary" aria-expanded={showImport} aria-controls="import-panel" onClick={() => openPanel("import")} data-testid="import-open">
            Import students from CSV
          </Button>
        </div>
      </div>

      {showNew && (
        <section id="new-user-panel" className="rounded-lg border border-slate-200 bg-white p-4">
          <div className="mb-3 flex items-center justify-between gap-2">
            <h2 id="new-user-heading" className="font-semibold">
              New user
            </h2>
            <Button variant="ghost" size="sm" onClick={() => setShowNew(false)} aria-label="Close the new user form">
              Close
            </Button>
          </div>
          <NewUserForm onCreated={() => void load()} focusKey={newFocus} />
        </section>
      )}
      {showImport && (
        <section id="import-panel" className="rounded-lg border border-slate-200 bg-white p-4">
          <div className="mb-1 flex items-center justify-between gap-2">
            <h2 className="font-semibold">Import students from CSV</h2>
            <Button variant="ghost" size="sm" onClick={() => setShowImport(false)} aria-label="Close the import panel">
              Close
            </Button>
          </div>
          <ImportPanel onImported={() => void load()} focusKey={importFocus} />
        </section>
      )}

      <section aria-labelledby={headingId} className="space-y-3">
        <search className="grid gap-3 sm:grid-cols-[1fr_auto_auto]">
          <TextField
            id="user-search"
            label="Search"
            type="search"
            placeholder="Email or name"
            value={q}
            onChange={(e) => setQ(e.target.value)}
            autoComplete="off"
            data-testid="user-search"
          />
          <SelectField id="role-filter" label="Role" value={role} onChange={(e) => setRole(e.target.value)} data-testid="role-filter">
            <option value="">All roles</option>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {ROLE_LABELS[r]}
              </option>
            ))}
          </SelectField>
          <SelectField id="status-filter" label="Status" value={status} onChange={(e) => setStatus(e.target.value)} data-testid="status-filter">
            <option value="">Active and disabled</option>
            <option value="active">Active</option>
            <option value="disabled">Disabled</option>
          </SelectField>
        </search>

        {error && (
          <Alert tone="error">
            {error}{" "}
            <button type="button" className="font-medium underline" onClick={() => void load()}>
              Try again
            </button>
          </Alert>
        )}

        <p className="text-sm text-slate-600" aria-live="polite" data-testid="users-count">
          {loading && !data ? "Loading users…" : data ? (data.total === 0 ? "No users match." : `Showing ${from}–${to} of ${data.total}`) : ""}
        </p>

        {data && data.items.length > 0 && <UsersTable users={data.items} currentUserId={currentUserId} onChanged={replaceRow} busy={loading} />}

        {data && data.total > 0 && (
          <nav aria-label="Pages" className="flex items-center justify-between gap-2">
            <Button variant="secondary" size="sm" disabled={page <= 1 || loading} onClick={() => setPage((p) => p - 1)}>
              Previous
            </Button>
            <span className="text-sm text-slate-600">
              Page {data.page} of {pages}
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
