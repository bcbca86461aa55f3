"use client";
// The admin's list of every API token: search by owner or token, filter by status, page; revoke any token
// (after a confirmation). Errors show by the filter bar (loading) or in the dialog / on the row (revoking).
import { useState } from "react";
import { EmptyState } from "@/components/empty-state";
import { RetryAlert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { SearchField, SelectField } from "@/components/ui/field";
import { Pager, pageInfo } from "@/components/ui/pager";
import { useDebounced } from "@/hooks/use-debounced";
import { useLatestRequest } from "@/hooks/use-latest-request";
import { usePage } from "@/hooks/use-page";
import { queryString } from "@/lib/api";
import type { TAdminTokenList, TAdminTokenRow } from "@/server/tokens/routes";
import {
  formatDate,
  formatDay,
  LastUsed,
  RevokeExplanation,
  RevokeTokenDialog,
  ScopeBadges,
  StatusBadge,
  type TokenColumn,
  TokenNameCell,
  TokensTableFrame,
  timeLeft,
  useRevokeToken,
} from "./token-bits";

const PAGE_SIZE = 25;
const COLUMNS: TokenColumn[] = [
  { label: "Owner" },
  { label: "Token" },
  { label: "Scopes" },
  { label: "Created", hideBelow: "lg" },
  { label: "Status" },
  { label: "Last used" },
  { label: "Actions", srOnly: true },
];

export function AdminTokensClient({ currentUserId }: { currentUserId: string }) {
  const [q, setQ] = useState("");
  const [status, setStatus] = useState("active");
  const [rowNotes, setRowNotes] = useState<Record<string, string>>({});
  const debouncedQ = useDebounced(q, 300);
  // back to the first page when the search or filter changes
  const [page, setPage] = usePage([debouncedQ, status]);
  const { data, setData, loading, error, reload } = useLatestRequest<TAdminTokenList>(
    `/api/admin/tokens${queryString({ page, pageSize: PAGE_SIZE, q: debouncedQ, status })}`,
  );
  const { revoking, rowErrors, ask, dialog } = useRevokeToken<TAdminTokenRow>(
    (t) => `/api/admin/tokens/${t.id}`,
    (row) => {
      setData((d) => (d ? { ...d, items: d.items.map((t) => (t.id === row.id ? row : t)) } : d));
      setRowNotes((n) => ({ ...n, [row.id]: "Revoked." }));
    },
  );

  const { from, to } = pageInfo(data);

  return (
    <section aria-label="Tokens" className="space-y-3">
      <search className="grid gap-3 sm:grid-cols-[1fr_auto]">
        <SearchField
          id="token-search"
          placeholder="Owner's email or name, token name or prefix"
          value={q}
          onValue={setQ}
          data-testid="token-search"
        />
        <SelectField
          id="token-status-filter"
          label="Status"
          value={status}
          onChange={(e) => setStatus(e.target.value)}
          data-testid="token-status-filter"
        >
          <option value="active">Active</option>
          <option value="expired">Expired</option>
          <option value="revoked">Revoked</option>
          <option value="">All</option>
        </SelectField>
      </search>

      {error && <RetryAlert onRetry={reload}>{error}</RetryAlert>}

      <p className="text-sm text-slate-600" aria-live="polite" data-testid="tokens-count">
        {loading && !data
          ? "Loading tokens…"
          : data
            ? data.total === 0
              ? ""
              : `Showing ${from}–${to} of ${data.total}`
            : ""}
      </p>

      {data && data.total === 0 && (
        <EmptyState title="No tokens match">
          People create API tokens on their profile page; they show up here.
        </EmptyState>
      )}

      {data && data.items.length > 0 && (
        <TokensTableFrame columns={COLUMNS} testId="admin-tokens-table" busy={loading}>
          {data.items.map((t) => (
            <tr
              key={t.id}
              data-testid={`admin-token-row-${t.id}`}
              className={t.status === "active" ? "align-top" : "bg-slate-50 align-top text-slate-500"}
            >
              <td className="px-3 py-2">
                <div className="font-medium text-slate-900">
                  {t.owner.name}{" "}
                  {t.owner.id === currentUserId && <span className="text-xs font-normal text-slate-500">(you)</span>}
                </div>
                <div className="break-all text-slate-600">{t.owner.email}</div>
              </td>
              <TokenNameCell token={t} error={rowErrors[t.id]} note={rowNotes[t.id]} />
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
                    onClick={() => ask(t)}
                    aria-label={`Revoke ${t.name} of ${t.owner.email}`}
                    data-testid="admin-revoke-token"
                  >
                    Revoke
                  </Button>
                )}
              </td>
            </tr>
          ))}
        </TokensTableFrame>
      )}

      {data && data.total > 0 && <Pager list={data} page={page} onPage={setPage} busy={loading} />}

      <RevokeTokenDialog {...dialog} testId="admin-revoke-token-dialog">
        {revoking && <RevokeExplanation name={revoking.name} owner={revoking.owner.email} />}
      </RevokeTokenDialog>
    </section>
  );
}
