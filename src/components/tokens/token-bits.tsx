// Small pieces both token pages show: dates, scope and status badges, the "last used" cell, the table, the revoke dialog.
import { type ReactNode, useState } from "react";
import { ConfirmDialog } from "@/components/ui/dialog";
import { type Column, ListTable } from "@/components/ui/table";
import { api } from "@/lib/api";
import type { TTokenRow } from "@/server/tokens/routes";

export type TokenRow = TTokenRow;
export type TokenScope = TTokenRow["scopes"][number];
export type TokenStatus = TTokenRow["status"];

export const SCOPES: readonly { value: TokenScope; label: string; hint: string }[] = [
  { value: "read", label: "read", hint: "See machines, templates, jobs and your profile (GET requests)." },
  {
    value: "write",
    label: "write",
    hint: "Create, start, stop and delete machines, open consoles — every change you can make.",
  },
  {
    value: "admin",
    label: "admin",
    hint: "Administrator routes (users, hosts, audit, every token). Administrators only.",
  },
];

export const EXPIRY_CHOICES = [7, 30, 90, 180, 365] as const;
export const EXPIRY_DEFAULT = 90;

export function formatDate(iso: string | null, never = "Never"): string {
  if (!iso) return never;
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

export function formatDay(iso: string | null, never = "Never"): string {
  if (!iso) return never;
  return new Date(iso).toLocaleDateString(undefined, { dateStyle: "medium" });
}

/** "in 12 days", "in 3 hours", or "" once passed. */
export function timeLeft(iso: string | null): string {
  if (!iso) return "";
  const ms = new Date(iso).getTime() - Date.now();
  if (ms <= 0) return "";
  const hours = Math.round(ms / 3_600_000);
  if (hours < 48) return hours <= 1 ? "in under an hour" : `in ${hours} hours`;
  return `in ${Math.round(hours / 24)} days`;
}

export function ScopeBadges({ scopes }: { scopes: readonly TokenScope[] }) {
  return (
    <span className="flex flex-wrap gap-1">
      {scopes.map((s) => (
        <span
          key={s}
          className={`rounded px-1.5 py-0.5 font-mono text-xs ${s === "admin" ? "bg-amber-100 text-amber-900" : s === "write" ? "bg-brand-50 text-brand-700" : "bg-slate-100 text-slate-700"}`}
        >
          {s}
        </span>
      ))}
    </span>
  );
}

const STATUS: Record<TokenStatus, { label: string; className: string }> = {
  active: { label: "Active", className: "bg-green-100 text-green-800" },
  expired: { label: "Expired", className: "bg-slate-200 text-slate-700" },
  revoked: { label: "Revoked", className: "bg-red-100 text-red-800" },
};

export function StatusBadge({ status }: { status: TokenStatus }) {
  return (
    <span className={`inline-block rounded px-2 py-0.5 text-xs font-medium ${STATUS[status].className}`}>
      {STATUS[status].label}
    </span>
  );
}

export function LastUsed({ token }: { token: Pick<TokenRow, "lastUsedAt" | "lastUsedIp"> }) {
  if (!token.lastUsedAt) return <span className="text-slate-500">Never used</span>;
  return (
    <span>
      {formatDate(token.lastUsedAt)}
      {token.lastUsedIp ? (
        <span className="block font-mono text-xs text-slate-500">from {token.lastUsedIp}</span>
      ) : null}
    </span>
  );
}

export function Prefix({ prefix }: { prefix: string }) {
  return (
    <code
      className="whitespace-nowrap rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-slate-800"
      title="The start of the token; the rest is never stored"
    >
      {prefix}…
    </code>
  );
}

export function RevokeExplanation({ name, owner }: { name: string; owner?: ReactNode }) {
  return (
    <p>
      <strong>{name}</strong>
      {owner ? <> ({owner})</> : null} stops working at once: scripts and tools using it get “401 Unauthorized”, and
      consoles opened with it are closed. This cannot be undone — create a new token if it is needed again.
    </p>
  );
}

export type TokenColumn = Exclude<Column, string | false>;

/** The table both token lists use: the frame, the caption and the header row; the rows come as children. */
export function TokensTableFrame({
  columns,
  testId,
  busy,
  children,
}: {
  columns: readonly TokenColumn[];
  testId: string;
  busy?: boolean;
  children: ReactNode;
}) {
  return (
    <ListTable caption="API tokens" columns={columns} testId={testId} busy={busy}>
      {children}
    </ListTable>
  );
}

/** The token's cell: its name and prefix, and under them what happened to it on this row (an error, a note). */
export function TokenNameCell({
  token,
  error,
  note,
}: {
  token: Pick<TokenRow, "name" | "prefix">;
  error?: string;
  note?: string;
}) {
  return (
    <td className="px-3 py-2">
      <div className="font-medium text-slate-900">{token.name}</div>
      <Prefix prefix={token.prefix} />
      {error && (
        <p role="alert" className="mt-1 text-red-700">
          {error}
        </p>
      )}
      {note && (
        <p role="status" className="mt-1 text-green-700">
          {note}
        </p>
      )}
    </td>
  );
}

/**
 * Revoking a token after a confirmation: `ask(token)` opens the dialog, confirming DELETEs `url(token)` and hands the
 * revoked row to `onRevoked`. A failure shows in the dialog; cancelling then moves it to the token's row (`rowErrors`).
 */
export function useRevokeToken<T extends { id: string }>(url: (token: T) => string, onRevoked: (row: T) => void) {
  const [revoking, setRevoking] = useState<T | null>(null);
  const [working, setWorking] = useState(false);
  const [dialogError, setDialogError] = useState<string | null>(null);
  const [rowErrors, setRowErrors] = useState<Record<string, string>>({});

  function ask(token: T) {
    setDialogError(null);
    setRowErrors(({ [token.id]: _, ...rest }) => rest);
    setRevoking(token);
  }

  async function revoke() {
    if (!revoking) return;
    setWorking(true);
    setDialogError(null);
    const res = await api<T>(url(revoking), { method: "DELETE" });
    setWorking(false);
    if (!res.ok) return setDialogError(res.error.message);
    onRevoked(res.data);
    setRevoking(null);
  }

  const dialog = {
    open: revoking !== null,
    pending: working,
    error: dialogError,
    onConfirm: () => void revoke(),
    onCancel: () => {
      if (revoking && dialogError) setRowErrors((e) => ({ ...e, [revoking.id]: dialogError }));
      setRevoking(null);
    },
  };
  return { revoking, rowErrors, ask, dialog };
}

/** The confirmation `useRevokeToken` opens; spread its `dialog` here. */
export function RevokeTokenDialog({
  testId,
  children,
  ...dialog
}: ReturnType<typeof useRevokeToken>["dialog"] & { testId: string; children: ReactNode }) {
  return (
    <ConfirmDialog title="Revoke this token?" confirmLabel="Revoke token" tone="danger" testId={testId} {...dialog}>
      {children}
    </ConfirmDialog>
  );
}
