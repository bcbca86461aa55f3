"use client";
// The admin's list of open consoles with "Disconnect". Polls every 5 s (sessions change often and are cheap
// to list); errors appear by the row that was acted on.
import { useEffect, useState } from "react";
import { EmptyState } from "@/components/empty-state";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { RowMessages, TableHead } from "@/components/ui/table";
import { useLatestRequest } from "@/hooks/use-latest-request";
import { useRowMessages } from "@/hooks/use-row-messages";
import { api } from "@/lib/api";

type Row = {
  id: string;
  user: { id: string; email: string };
  machine: { id: string; name: string };
  kind: string;
  viewOnly: boolean;
  openedAt: string;
  bytesIn: number;
  bytesOut: number;
};

function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

function since(iso: string): string {
  const s = Math.max(0, Math.round((Date.now() - new Date(iso).getTime()) / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

export function ConsolesView() {
  const { data, error, reload: load } = useLatestRequest<{ items: Row[] }>("/api/admin/consoles");
  const rows = data?.items ?? null;
  const rowMessages = useRowMessages();
  const [busy, setBusy] = useState<string | null>(null);

  useEffect(() => {
    const t = setInterval(() => void load(), 5000);
    return () => clearInterval(t);
  }, [load]);

  async function disconnect(id: string) {
    setBusy(id);
    const res = await api(`/api/admin/consoles/${id}`, { method: "DELETE" });
    setBusy(null);
    if (!res.ok) rowMessages.show(id, res.error.message, true);
    await load();
  }

  if (error) return <Alert tone="error">{error}</Alert>;
  if (!rows) return <p className="text-sm text-slate-600">Loading…</p>;
  if (rows.length === 0)
    return <EmptyState title="No open consoles">When someone opens a console it shows up here.</EmptyState>;
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="w-full text-left text-sm" data-testid="consoles-table">
        <TableHead
          className="bg-slate-50 text-xs uppercase text-slate-600"
          columns={["Who", "Machine", "Console", "Open for", "In / out", { label: "Actions", srOnly: true }]}
        />
        <tbody>
          {rows.map((r) => (
            <tr key={r.id} className="border-t border-slate-100 align-top">
              <td className="px-3 py-2">{r.user.email}</td>
              <td className="px-3 py-2">
                <a className="text-blue-700 hover:underline" href={`/machines/${r.machine.id}`}>
                  {r.machine.name}
                </a>
              </td>
              <td className="px-3 py-2 uppercase">
                {r.kind}
                {r.viewOnly ? (
                  <span className="ml-2 rounded bg-slate-100 px-1.5 py-0.5 text-xs normal-case text-slate-700">
                    view only
                  </span>
                ) : null}
              </td>
              <td className="px-3 py-2" title={new Date(r.openedAt).toLocaleString()}>
                {since(r.openedAt)}
              </td>
              <td className="px-3 py-2 tabular-nums">
                {bytes(r.bytesIn)} / {bytes(r.bytesOut)}
              </td>
              <td className="px-3 py-2 text-right">
                <Button
                  variant="secondary"
                  size="sm"
                  pending={busy === r.id}
                  pendingLabel="Disconnecting…"
                  onClick={() => void disconnect(r.id)}
                >
                  Disconnect
                </Button>
                <RowMessages error={rowMessages.errors[r.id]} className="mt-1 text-xs" />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
