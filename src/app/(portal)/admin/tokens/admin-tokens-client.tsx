"use client";
// The admin's list of every API token: search by owner or token, filter by status, page; revoke any token
// (after a confirmation). Errors show by the filter bar (loading) or in the dialog / on the row (revoking).
import { useCallback, useEffect, useRef, useState } from "react";
import { EmptyState } from "@/components/empty-state";
import { Alert } from "@/components/ui/alert";
import { api } from "@/components/ui/api";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/dialog";
import { SelectField, TextField } from "@/components/ui/field";
import type { TAdminTokenList, TAdminTokenRow } from "@/server/tokens/routes";
import { formatDate, formatDay, LastUsed, Prefix, RevokeExplanation, ScopeBadges, StatusBadge, timeLeft } from "../../profile/tokens/token-bits";

const PAGE_SIZE = 25;

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

export function AdminTokensClient({ currentUserId }: { currentUserId: string }) {
  const [q, setQ] = useState("");
  const [status, setStatus] = useState("active");
  const [page, setPage] = useState(1);
  const [data, setData] = useState<TAdminTokenList | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [revoking, setRevoking] = useState<TAdminTokenRow | null>(null);
  const [working, setWorking] = useState(false);
  const [dialogError, setDialogError] = useState<string | null>(null);
  const [rowErrors, setRowErrors] = useState<Record<string, string>>({});
  const [rowNotes, setRowNotes] = useState<Record<string, string>>({});
  const debouncedQ = useDebounced(q, 300);
  const requestId = useRef(0);

  const load = useCallback(async () => {
    const id = ++requestId.current;
    setLoading(true);
    const params = new URLSearchParams({ page: String(page), pageSize: String(PAGE_SIZE) });
    if (debouncedQ.trim()) params.set("q", debouncedQ.trim());
    if (status) params.set("status", status);
    const res = await api<TAdminTokenList>(`/api/admin/tokens?${params}`);
    if (id !== requestId.current) return; // a newer search answered already
    setLoading(false);
    if (res.ok) {
      setData(res.data);
      setError(null);
    } else setError(res.error.message);
  }, [debouncedQ, status, page]);

  useEffect(() => {
    void load();
  }, [load]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: back to the first page when the search or filter changes
  useEffect(() => setPage(1), [debouncedQ, status]);

  async function revoke() {
    if (!revoking) return;
    setWorking(true);
    setDialogError(null);
    const res = await api<TAdminTokenRow>(`/api/admin/tokens/${revoking.id}`, { method: "DELETE" });
    setWorking(false);
    if (!res.ok) return setDialogError(res.error.message);
    setData((d) => (d ? { ...d, items: d.items.map((t) => (t.id === res.data.id ? res.data : t)) } : d));
    setRowNotes((n) => ({ ...n, [res.data.id]: "Revoked." }));
    setRevoking(null);
  }

  const pages = data ? Math.max(1, Math.ceil(data.total / data.pageSize)) : 1;
  const from = data && data.total > 0 ? (data.page - 1) * data.pageSize + 1 : 0;
  const to = data ? Math.min(data.total, data.page * data.pageSize) : 0;

  return (
    <section aria-label="Tokens" className="space-y-3">
      <search className="grid gap-3 sm:grid-cols-[1fr_auto]">
        <TextField
          id="token-search"
          label="Search"
          type="search"
          placeholder="Owner's email or name, token name or prefix"
          value={q}
          onChange={(e) => setQ(e.target.value)}
          autoComplete="off"
          data-testid="token-search"
        />
        <SelectField id="token-status-filter" label="Status" value={status} onChange={(e) => setStatus(e.target.value)} data-testid="token-status-filter">
          <option value="active">Active</option>
          <option value="expired">Expired</option>
          <option value="revoked">Revoked</option>
          <option value="">All</option>
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

      <p className="text-sm text-slate-600" aria-live="polite" data-testid="tokens-count">
        {loading && !data ? "Loading tokens…" : data ? (data.total === 0 ? "" : `Showing ${from}–${to} of ${data.total}`) : ""}
      </p>

      {data && data.total === 0 && <EmptyState title="No tokens match">People create API tokens on their profile page; they show up here.</EmptyState>}

      {data && data.items.length > 0 && (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="w-full text-left text-sm" data-testid="admin-tokens-table" aria-busy={loading || undefined}>
            <caption className="sr-only">API tokens</caption>
            <thead className="border-b border-slate-200 bg-slate-50 text-xs uppercase tracking-wide text-slate-600">
              <tr>
                <th scope="col" className="px-3 py-2">
                  Owner
                </th>
                <th scope="col" className="px-3 py-2">
                  Token
                </th>
                <th scope="col" className="px-3 py-2">
                  Scopes
                </th>
                <th scope="col" className="hidden px-3 py-2 lg:table-cell">
                  Created
                </th>
                <th scope="col" className="px-3 py-2">
                  Status
                </th>
                <th scope="col" className="px-3 py-2">
                  Last used
                </th>
                <th scope="col" className="px-3 py-2">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {data.items.map((t) => (
                <tr key={t.id} data-testid={`admin-token-row-${t.id}`} className={t.status === "active" ? "align-top" : "bg-slate-50 align-top text-slate-500"}>
                  <td className="px-3 py-2">
                    <div className="font-medium text-slate-900">
                      {t.owner.name} {t.owner.id === currentUserId && <span className="text-xs font-normal text-slate-500">(you)</span>}
                    </div>
                    <div className="break-all text-slate-600">{t.owner.email}</div>
                  </td>
                  <td className="px-3 py-2">
                    <div className="font-medium text-slate-900">{t.name}</div>
                    <Prefix prefix={t.prefix} />
                    {rowErrors[t.id] && (
                      <p role="alert" className="mt-1 text-red-700">
                        {rowErrors[t.id]}
                      </p>
                    )}
                    {rowNotes[t.id] && (
                      <p role="status" className="mt-1 text-green-700">
                        {rowNotes[t.id]}
                      </p>
                    )}
                  </td>
                  <td className="px-3 py-2">
                    <ScopeBadges scopes={t.scopes} />
                  </td>
                  <td className="hidden px-3 py-2 lg:table-cell">{formatDate(t.createdAt)}</td>
                  <td className="px-3 py-2">
                    <StatusBadge status={t.status} />
                    <span className="block text-xs text-slate-500">
                      {t.status === "active"
                        ? `expires ${formatDay(t.expiresAt)} ${timeLeft(t.expiresAt)}`.trim()
                        : t.status === "revoked"
                          ? formatDate(t.revokedAt)
                          : formatDate(t.expiresAt)}
                    </span>
                  </td>
                  <td className="px-3 py-2">
                    <LastUsed token={t} />
                  </td>
                  <td className="px-3 py-2 text-right">
                    {t.status !== "revoked" && (
                      <Button
                        variant="secondary"
                        size="sm"
                        onClick={() => {
                          setDialogError(null);
                          setRowErrors(({ [t.id]: _, ...rest }) => rest);
                          setRevoking(t);
                        }}
                        aria-label={`Revoke ${t.name} of ${t.owner.email}`}
                        data-testid="admin-revoke-token"
                      >
                        Revoke
                      </Button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

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

      <ConfirmDialog
        open={revoking !== null}
        title="Revoke this token?"
        confirmLabel="Revoke token"
        tone="danger"
        pending={working}
        error={dialogError}
        onConfirm={() => void revoke()}
        onCancel={() => {
          if (revoking && dialogError) setRowErrors((e) => ({ ...e, [revoking.id]: dialogError }));
          setRevoking(null);
        }}
        testId="admin-revoke-token-dialog"
      >
        {revoking && <RevokeExplanation name={revoking.name} owner={revoking.owner.email} />}
      </ConfirmDialog>
    </section>
  );
}
