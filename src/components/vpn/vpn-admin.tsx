"use client";
// Admin view of the lab VPN: server state (management interface, CRL, firewall), connected clients, certificates
// with revoke/rotate, and the settings form. Polls every 5 s and follows "vpn.certificate" events.
import { useCallback, useEffect, useState } from "react";
import { EmptyState } from "@/components/empty-state";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { RowMessages, TableHead } from "@/components/ui/table";
import { useLatestRequest } from "@/hooks/use-latest-request";
import { useLiveEvents } from "@/hooks/use-live-events";
import { useRowMessages } from "@/hooks/use-row-messages";
import { api, queryString } from "@/lib/api";
import { VpnSettingsForm } from "./settings-form";

type Overview = {
  enabled: boolean;
  problems: Record<string, string>;
  preflight: { ok: boolean; checks: { id: string; label: string; ok: boolean; detail: string }[] };
  server: { configFile: string; managedByPortal: boolean; reachable: boolean; error: string | null };
  clients: {
    commonName: string;
    realAddress: string;
    virtualAddress: string;
    bytesReceived: number;
    bytesSent: number;
    connectedSince: string;
    user: { id: string; email: string } | null;
  }[];
  crl: { nextUpdate: string | null };
  firewall: { mode: string; at: string | null; pairs: number; error: string | null };
  counts: { active: number; revoked: number; poolSize: number };
};
type CertRow = {
  id: string;
  serial: string;
  status: "ACTIVE" | "REVOKED";
  address: string | null;
  issuedAt: string;
  expiresAt: string;
  expired: boolean;
  renewalDue: boolean;
  revokedAt: string | null;
  revokeReason: string | null;
  connected: boolean;
  user: { id: string; email: string; name: string; role: string };
};

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : "—");
const kib = (n: number) => (n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1024 / 1024).toFixed(1)} MiB`);

export function VpnAdmin() {
  const [status, setStatus] = useState<"" | "ACTIVE" | "REVOKED">("ACTIVE");
  const [q, setQ] = useState("");
  const overview = useLatestRequest<Overview>("/api/admin/vpn");
  const certList = useLatestRequest<{ items: CertRow[] }>(`/api/admin/vpn/certificates${queryString({ status, q })}`);
  const ov = overview.data;
  const certs = certList.data?.items ?? null;
  const [actionError, setActionError] = useState<string | null>(null);
  const error = actionError ?? overview.error ?? certList.error;
  const rowMessages = useRowMessages();
  const [busy, setBusy] = useState<string | null>(null);

  const reloadOverview = overview.reload;
  const reloadCerts = certList.reload;
  const load = useCallback(async () => {
    await Promise.all([reloadOverview(), reloadCerts()]);
  }, [reloadOverview, reloadCerts]);

  useEffect(() => {
    const t = setInterval(() => void load(), 5000);
    return () => clearInterval(t);
  }, [load]);
  useLiveEvents(["vpn.certificate", "vpn.settings"], () => void load());

  async function act(id: string, kind: "revoke" | "rotate") {
    setBusy(`${kind}:${id}`);
    const res = await api(`/api/admin/vpn/certificates/${id}/${kind}`, { method: "POST", json: {} });
    setBusy(null);
    rowMessages.show(id, res.ok ? null : res.error.message, true);
    await load();
  }

  async function rebuild() {
    setBusy("firewall");
    setActionError(null);
    const res = await api<{ error: string | null }>("/api/admin/vpn/firewall", { method: "POST" });
    setBusy(null);
    if (!res.ok) setActionError(res.error.message);
    else if (res.data.error) setActionError(`The firewall could not be applied: ${res.data.error}`);
    await load();
  }

  return (
    <div className="space-y-8">
      {error && <Alert tone="error">{error}</Alert>}
      {ov && (
        <section className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4" data-testid="vpn-overview">
          <div className="rounded-lg border border-slate-200 bg-white p-4 text-sm">
            <p className="text-slate-500">Server</p>
            <p className="mt-1 font-medium">
              {!ov.enabled ? "VPN disabled" : ov.server.reachable ? "Running" : "Not reachable"}
            </p>
            <p className="mt-1 text-xs text-slate-500">
              {ov.server.managedByPortal ? "run by the portal" : "run by systemd (or by hand)"}
            </p>
            {ov.enabled && ov.server.error && <p className="mt-1 text-xs text-red-700">{ov.server.error}</p>}
          </div>
          <div className="rounded-lg border border-slate-200 bg-white p-4 text-sm">
            <p className="text-slate-500">Certificates</p>
            <p className="mt-1 font-medium">
              {ov.counts.active} active / {ov.counts.poolSize} addresses
            </p>
            <p className="mt-1 text-xs text-slate-500">{ov.counts.revoked} revoked</p>
          </div>
          <div className="rounded-lg border border-slate-200 bg-white p-4 text-sm">
            <p className="text-slate-500">Revocation list</p>
            <p className="mt-1 font-medium">next update {when(ov.crl.nextUpdate)}</p>
            <p className="mt-1 text-xs text-slate-500">
              regenerated on every revoke and when half its lifetime is gone
            </p>
          </div>
          <div className="rounded-lg border border-slate-200 bg-white p-4 text-sm">
            <p className="text-slate-500">Isolation firewall ({ov.firewall.mode})</p>
            <p className="mt-1 font-medium">
              {ov.firewall.error ? (
                <span className="text-red-700">not applied</span>
              ) : (
                `${ov.firewall.pairs} allowed pair(s)`
              )}
            </p>
            <p className="mt-1 text-xs text-slate-500">{ov.firewall.error ?? `built ${when(ov.firewall.at)}`}</p>
            <Button
              className="mt-2"
              size="sm"
              variant="secondary"
              pending={busy === "firewall"}
              pendingLabel="Rebuilding…"
              onClick={() => void rebuild()}
              disabled={!ov.enabled}
            >
              Rebuild now
            </Button>
          </div>
        </section>
      )}
      {ov && (
        <section className="rounded-lg border border-slate-200 bg-white p-4 text-sm" data-testid="vpn-preflight">
          <h2 className="font-semibold">
            Preflight{" "}
            {ov.preflight.ok ? (
              <span className="text-green-700">— all checks pass</span>
            ) : (
              <span className="text-red-700">— the VPN cannot work until these are fixed</span>
            )}
          </h2>
          <ul className="mt-2 space-y-1">
            {ov.preflight.checks.map((c) => (
              <li key={c.id} className="flex gap-2">
                <span aria-hidden="true" className={c.ok ? "text-green-700" : "text-red-700"}>
                  {c.ok ? "✓" : "✗"}
                </span>
                <span>
                  <span className="font-medium">{c.label}</span>
                  <span className="sr-only">{c.ok ? " (passes)" : " (fails)"}</span>:{" "}
                  <span className={c.ok ? "text-slate-600" : "text-red-700"}>{c.detail}</span>
                </span>
              </li>
            ))}
          </ul>
        </section>
      )}
      {ov && Object.keys(ov.problems).length > 0 && (
        <Alert tone="warning">
          Settings need attention:{" "}
          {Object.entries(ov.problems)
            .map(([k, v]) => `${k}: ${v}`)
            .join(" ")}
        </Alert>
      )}

      <section>
        <h2 className="text-lg font-semibold">Connected clients</h2>
        {!ov ? (
          <p className="text-sm text-slate-600">Loading…</p>
        ) : ov.clients.length === 0 ? (
          <p className="mt-2 text-sm text-slate-600">Nobody is connected.</p>
        ) : (
          <div className="mt-2 overflow-x-auto rounded-lg border border-slate-200 bg-white">
            <table className="w-full text-left text-sm" data-testid="vpn-clients">
              <TableHead
                className="bg-slate-50 text-xs uppercase text-slate-600"
                columns={["Who", "VPN address", "From", "Since", "In / out"]}
              />
              <tbody>
                {ov.clients.map((c) => (
                  <tr key={c.commonName} className="border-t border-slate-100">
                    <td className="px-3 py-2">{c.user?.email ?? c.commonName}</td>
                    <td className="px-3 py-2 font-mono">{c.virtualAddress}</td>
                    <td className="px-3 py-2 font-mono">{c.realAddress}</td>
                    <td className="px-3 py-2">{when(c.connectedSince)}</td>
                    <td className="px-3 py-2 tabular-nums">
                      {kib(c.bytesReceived)} / {kib(c.bytesSent)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section>
        <div className="flex flex-wrap items-end justify-between gap-3">
          <h2 className="text-lg font-semibold">Certificates</h2>
          <div className="flex gap-2 text-sm">
            <label className="sr-only" htmlFor="vpn-q">
              Search
            </label>
            <input
              id="vpn-q"
              className="rounded-md border border-slate-300 px-2 py-1"
              placeholder="Search e-mail, serial, address"
              value={q}
              onChange={(e) => setQ(e.target.value)}
            />
            <label className="sr-only" htmlFor="vpn-status">
              Status
            </label>
            <select
              id="vpn-status"
              className="rounded-md border border-slate-300 px-2 py-1"
              value={status}
              onChange={(e) => setStatus(e.target.value as typeof status)}
            >
              <option value="ACTIVE">Active</option>
              <option value="REVOKED">Revoked</option>
              <option value="">All</option>
            </select>
          </div>
        </div>
        {!certs ? (
          <p className="text-sm text-slate-600">Loading…</p>
        ) : certs.length === 0 ? (
          <div className="mt-2">
            <EmptyState title="No certificates">Users create their profile on their VPN page.</EmptyState>
          </div>
        ) : (
          <div className="mt-2 overflow-x-auto rounded-lg border border-slate-200 bg-white">
            <table className="w-full text-left text-sm" data-testid="vpn-certificates">
              <TableHead
                className="bg-slate-50 text-xs uppercase text-slate-600"
                columns={["User", "Address", "Status", "Expires", { label: "Actions", srOnly: true }]}
              />
              <tbody>
                {certs.map((c) => (
                  <tr key={c.id} className="border-t border-slate-100 align-top">
                    <td className="px-3 py-2">
                      {c.user.email} <span className="text-xs text-slate-500">{c.user.role.toLowerCase()}</span>
                      <div className="font-mono text-xs text-slate-500">{c.serial.slice(0, 16)}…</div>
                    </td>
                    <td className="px-3 py-2 font-mono">{c.address ?? "—"}</td>
                    <td className="px-3 py-2">
                      {c.status === "REVOKED" ? (
                        <span title={c.revokeReason ?? ""}>revoked {when(c.revokedAt)}</span>
                      ) : c.expired ? (
                        <span className="text-red-700">expired</span>
                      ) : (
                        <span>
                          active
                          {c.connected ? (
                            <span className="ml-2 rounded bg-green-100 px-1.5 py-0.5 text-xs text-green-800">
                              connected
                            </span>
                          ) : null}
                          {c.renewalDue ? (
                            <span className="ml-2 rounded bg-amber-100 px-1.5 py-0.5 text-xs text-amber-900">
                              renewal due
                            </span>
                          ) : null}
                        </span>
                      )}
                    </td>
                    <td className="px-3 py-2">{new Date(c.expiresAt).toLocaleDateString()}</td>
                    <td className="px-3 py-2 text-right whitespace-nowrap">
                      {c.status === "ACTIVE" && (
                        <>
                          <Button
                            size="sm"
                            variant="secondary"
                            pending={busy === `rotate:${c.id}`}
                            pendingLabel="Rotating…"
                            onClick={() => void act(c.id, "rotate")}
                          >
                            Rotate
                          </Button>{" "}
                          <Button
                            size="sm"
                            variant="danger"
                            pending={busy === `revoke:${c.id}`}
                            pendingLabel="Revoking…"
                            onClick={() => void act(c.id, "revoke")}
                          >
                            Revoke
                          </Button>
                        </>
                      )}
                      <RowMessages error={rowMessages.errors[c.id]} className="mt-1 text-xs" />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <VpnSettingsForm onSaved={() => void load()} />
    </div>
  );
}
