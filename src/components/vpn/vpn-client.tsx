"use client";
// The user's VPN: create a profile, download it, renew (rotate) it before it expires, or revoke it when a
// laptop is lost. Follows "vpn.certificate" events so an admin's revoke shows at once.
import { useState } from "react";
import { EmptyState } from "@/components/empty-state";
import { Alert } from "@/components/ui/alert";
import { Button, buttonClass } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { useLiveEvents } from "@/hooks/use-live-events";
import { api } from "@/lib/api";

type Cert = {
  id: string;
  serial: string;
  status: "ACTIVE" | "REVOKED";
  address: string | null;
  issuedAt: string;
  expiresAt: string;
  expired: boolean;
  renewFrom: string;
  renewalDue: boolean;
  revokedAt: string | null;
  revokeReason: string | null;
};
export type MyVpn = {
  enabled: boolean;
  remote: { host: string; port: number; proto: string };
  certificate: Cert | null;
  routes: string[];
  history: Cert[];
};

const day = (iso: string) =>
  new Date(iso).toLocaleDateString(undefined, { year: "numeric", month: "short", day: "numeric" });
const daysLeft = (iso: string) => Math.max(0, Math.ceil((new Date(iso).getTime() - Date.now()) / 86_400_000));

export function VpnClient({ initial }: { initial: MyVpn }) {
  const [vpn, setVpn] = useState(initial);
  const [busy, setBusy] = useState<null | "create" | "rotate" | "revoke">(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [confirm, setConfirm] = useState<null | "rotate" | "revoke">(null);

  async function reload() {
    const res = await api<MyVpn>("/api/vpn");
    if (res.ok) setVpn(res.data);
  }
  useLiveEvents(["vpn.certificate", "live.reconnected"], () => void reload());

  async function act(kind: "create" | "rotate" | "revoke") {
    setBusy(kind);
    setError(null);
    setNotice(null);
    const res =
      kind === "create"
        ? await api<MyVpn>("/api/vpn/certificate", { method: "POST" })
        : kind === "rotate"
          ? await api<MyVpn>("/api/vpn/certificate/rotate", { method: "POST" })
          : await api<MyVpn>("/api/vpn/certificate", { method: "DELETE" });
    setBusy(null);
    setConfirm(null);
    if (!res.ok) {
      setError(res.error.message);
      return;
    }
    setVpn(res.data);
    setNotice(
      kind === "create"
        ? "Your VPN profile is ready. Download it below."
        : kind === "rotate"
          ? "Renewed. Download the new profile: the old one no longer connects."
          : "Revoked. That profile no longer connects; any open session was ended.",
    );
  }

  if (!vpn.enabled)
    return <EmptyState title="The lab VPN is not enabled">An administrator turns it on for this portal.</EmptyState>;
  const c = vpn.certificate;

  return (
    <div className="space-y-6">
      {error && <Alert tone="error">{error}</Alert>}
      {notice && <Alert tone="success">{notice}</Alert>}
      {c?.renewalDue && (
        <Alert tone="warning" testId="vpn-renewal">
          Your VPN certificate expires on {day(c.expiresAt)} ({daysLeft(c.expiresAt)} days). Renew it now and download
          the new profile.
        </Alert>
      )}
      {!c ? (
        <section className="rounded-lg border border-slate-200 bg-white p-5">
          <h2 className="text-lg font-semibold">No VPN profile yet</h2>
          <p className="mt-1 text-sm text-slate-600">
            Create your personal profile: a certificate only you hold, with a fixed address in the lab network.
          </p>
          <Button
            className="mt-4"
            pending={busy === "create"}
            pendingLabel="Creating…"
            onClick={() => void act("create")}
          >
            Create my VPN profile
          </Button>
        </section>
      ) : (
        <section className="rounded-lg border border-slate-200 bg-white p-5" data-testid="vpn-certificate">
          <div className="flex flex-wrap items-start justify-between gap-4">
            <div>
              <h2 className="text-lg font-semibold">Your VPN profile</h2>
              <dl className="mt-3 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
                <dt className="text-slate-500">Your VPN address</dt>
                <dd className="font-mono">{c.address}</dd>
                <dt className="text-slate-500">Server</dt>
                <dd className="font-mono">
                  {vpn.remote.host}:{vpn.remote.port}/{vpn.remote.proto}
                </dd>
                <dt className="text-slate-500">Valid until</dt>
                <dd>
                  {day(c.expiresAt)}{" "}
                  {c.expired ? (
                    <span className="text-red-700">(expired)</span>
                  ) : (
                    <span className="text-slate-500">({daysLeft(c.expiresAt)} days)</span>
                  )}
                </dd>
                <dt className="text-slate-500">Routes</dt>
                <dd className="font-mono">
                  {vpn.routes.length ? (
                    vpn.routes.join(", ")
                  ) : (
                    <span className="font-sans text-slate-500">
                      none yet — your machines have no address in a lab network
                    </span>
                  )}
                </dd>
              </dl>
            </div>
            <div className="flex flex-wrap gap-2">
              <a className={buttonClass("primary")} href="/api/vpn/profile" download>
                Download profile (.ovpn)
              </a>
              <Button variant="secondary" onClick={() => setConfirm("rotate")}>
                Renew
              </Button>
              <Button variant="danger" onClick={() => setConfirm("revoke")}>
                Revoke
              </Button>
            </div>
          </div>
          <div className="mt-5 text-sm text-slate-600">
            <p className="font-medium text-slate-800">Connecting</p>
            <ul className="mt-1 list-disc space-y-1 pl-5">
              <li>Windows, macOS, Android, iOS: import the file into OpenVPN Connect.</li>
              <li>
                Linux: <code className="rounded bg-slate-100 px-1">sudo openvpn --config {"<file>"}.ovpn</code> or
                import it in NetworkManager.
              </li>
              <li>
                You reach only your own machines. Got a machine in a new lab network? Download the profile again for its
                route.
              </li>
            </ul>
          </div>
        </section>
      )}
      {vpn.history.length > 0 && (
        <section>
          <h2 className="text-sm font-semibold text-slate-700">Earlier certificates</h2>
          <ul className="mt-2 space-y-1 text-sm text-slate-600">
            {vpn.history.map((h) => (
              <li key={h.id}>
                <span className="font-mono">{h.serial.slice(0, 12)}…</span> issued {day(h.issuedAt)}, revoked{" "}
                {h.revokedAt ? day(h.revokedAt) : ""} ({h.revokeReason})
              </li>
            ))}
          </ul>
        </section>
      )}
      <Dialog
        open={confirm !== null}
        title={confirm === "rotate" ? "Renew your VPN profile?" : "Revoke your VPN profile?"}
        onClose={() => setConfirm(null)}
        testId="vpn-confirm"
        footer={
          <>
            <Button variant="secondary" onClick={() => setConfirm(null)}>
              Cancel
            </Button>
            {confirm === "rotate" ? (
              <Button pending={busy === "rotate"} pendingLabel="Renewing…" onClick={() => void act("rotate")}>
                Renew
              </Button>
            ) : (
              <Button
                variant="danger"
                pending={busy === "revoke"}
                pendingLabel="Revoking…"
                onClick={() => void act("revoke")}
              >
                Revoke
              </Button>
            )}
          </>
        }
      >
        {confirm === "rotate" ? (
          <p>
            You get a new certificate with the same address. The profile you have now stops working at once; download
            the new one after renewing.
          </p>
        ) : (
          <p>
            The profile stops working at once, everywhere, and a connected session is ended. You can create a new
            profile afterwards.
          </p>
        )}
      </Dialog>
    </div>
  );
}
