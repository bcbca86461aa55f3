"use client";

import { useId, useState } from "react";
import { RetryAlert } from "@/components/ui/alert";
import { FilterSelect, SearchField } from "@/components/ui/field";
import { Pager, pageInfo } from "@/components/ui/pager";
import { FormPanel, OpenPanelButton, PageHeader, usePanel } from "@/components/ui/panel";
import { useDebounced } from "@/hooks/use-debounced";
import { useLatestRequest } from "@/hooks/use-latest-request";
import { usePage } from "@/hooks/use-page";
import { queryString } from "@/lib/api";
import { ImportPanel } from "./import-panel";
import { NewUserForm } from "./new-user-form";
import { ROLE_LABELS, ROLES, type UserList, type UserRow } from "./types";
import { UsersTable } from "./users-table";

const PAGE_SIZE = 25;

const STATUS_OPTIONS = [
  ["active", "Active"],
  ["disabled", "Disabled"],
] as const;

export function UsersClient({ currentUserId }: { currentUserId: string }) {
  const [q, setQ] = useState("");
  const [role, setRole] = useState("");
  const [status, setStatus] = useState("");
  const newPanel = usePanel();
  const importPanel = usePanel();
  const debouncedQ = useDebounced(q, 300);
  const headingId = useId();
  // Back to the first page whenever the search or a filter changes.
  const [page, setPage] = usePage([debouncedQ, role, status]);
  const { data, setData, loading, error, reload } = useLatestRequest<UserList>(
    `/api/admin/users${queryString({ page, pageSize: PAGE_SIZE, q: debouncedQ, role, status })}`,
  );

  const replaceRow = (row: UserRow) =>
    setData((d) => (d ? { ...d, items: d.items.map((u) => (u.id === row.id ? row : u)) } : d));
  const { from, to } = pageInfo(data);

  return (
    <div className="space-y-6">
      <PageHeader title="Users" headingId={headingId}>
        <div className="flex flex-wrap gap-2">
          <OpenPanelButton panel={newPanel} controls="new-user-panel" data-testid="new-user-open">
            New user
          </OpenPanelButton>
          <OpenPanelButton panel={importPanel} controls="import-panel" variant="secondary" data-testid="import-open">
            Import students from CSV
          </OpenPanelButton>
        </div>
      </PageHeader>

      {newPanel.open && (
        <FormPanel
          id="new-user-panel"
          headingId="new-user-heading"
          title="New user"
          closeLabel="Close the new user form"
          onClose={newPanel.hide}
        >
          <NewUserForm onCreated={() => void reload()} focusKey={newPanel.focusKey} />
        </FormPanel>
      )}
      {importPanel.open && (
        <FormPanel
          id="import-panel"
          title="Import students from CSV"
          closeLabel="Close the import panel"
          onClose={importPanel.hide}
          tight
        >
          <ImportPanel onImported={() => void reload()} focusKey={importPanel.focusKey} />
        </FormPanel>
      )}

      <section aria-labelledby={headingId} className="space-y-3">
        <search className="grid gap-3 sm:grid-cols-[1fr_auto_auto]">
          <SearchField
            id="user-search"
            placeholder="Email or name"
            value={q}
            onValue={setQ}
            data-testid="user-search"
          />
          <FilterSelect
            id="role-filter"
            label="Role"
            value={role}
            onValue={setRole}
            all="All roles"
            options={ROLES.map((r) => [r, ROLE_LABELS[r]] as const)}
            data-testid="role-filter"
          />
          <FilterSelect
            id="status-filter"
            label="Status"
            value={status}
            onValue={setStatus}
            all="Active and disabled"
            options={STATUS_OPTIONS}
            data-testid="status-filter"
          />
        </search>

        {error && <RetryAlert onRetry={reload}>{error}</RetryAlert>}

        <p className="text-sm text-slate-600" aria-live="polite" data-testid="users-count">
          {loading && !data
            ? "Loading users…"
            : data
              ? data.total === 0
                ? "No users match."
                : `Showing ${from}–${to} of ${data.total}`
              : ""}
        </p>

        {data && data.items.length > 0 && (
          <UsersTable users={data.items} currentUserId={currentUserId} onChanged={replaceRow} busy={loading} />
        )}

        {data && data.total > 0 && <Pager list={data} page={page} onPage={setPage} busy={loading} />}
      </section>
    </div>
  );
}
