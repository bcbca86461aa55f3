"use client";
// The VPN settings (stored in the database; env values are only the defaults). Saving rewrites server.conf; when
// the portal runs openvpn it restarts it.
import { useEffect, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { SelectField, TextField } from "@/components/ui/field";
import { bindField } from "@/components/ui/form";
import { api } from "@/lib/api";

type Settings = {
  enabled: boolean;
  remoteHost: string;
  remotePort: number;
  proto: "udp" | "tcp";
  network: string;
  pool: string;
  labNetworks: string[];
  certDays: number;
  renewDays: number;
  crlDays: number;
  rdpGateway: string;
};

const NUMERIC = new Set<string>(["remotePort", "certDays", "renewDays", "crlDays"]);

export function VpnSettingsForm({ onSaved }: { onSaved: () => void }) {
  const [s, setS] = useState<Settings | null>(null);
  const [nets, setNets] = useState("");
  const [fields, setFields] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [pending, setPending] = useState(false);

  useEffect(() => {
    void api<Settings>("/api/admin/vpn/settings").then((res) => {
      if (res.ok) {
        setS(res.data);
        setNets(res.data.labNetworks.join(", "));
      } else setError(res.error.message);
    });
  }, []);

  if (!s) return error ? <Alert tone="error">{error}</Alert> : null;
  const set = <K extends keyof Settings>(k: K, v: Settings[K]) => setS({ ...s, [k]: v });
  // The numeric settings are stored as numbers (0 while the field holds no number).
  const bind = bindField(s, fields, (k, text) => setS({ ...s, [k]: NUMERIC.has(k) ? Number(text) || 0 : text }));

  async function save(e: React.FormEvent) {
    e.preventDefault();
    if (!s) return;
    setPending(true);
    setSaved(false);
    const body = { ...s, labNetworks: nets.split(/[\s,]+/).filter(Boolean) };
    const res = await api<Settings>("/api/admin/vpn/settings", { method: "PUT", json: body });
    setPending(false);
    if (!res.ok) {
      setError(res.error.message);
      setFields(res.error.fields ?? {});
      return;
    }
    setError(null);
    setFields({});
    setS(res.data);
    setSaved(true);
    onSaved();
  }

  const labNetError = Object.entries(fields).find(([k]) => k.startsWith("labNetworks"))?.[1];
  return (
    <section className="rounded-lg border border-slate-200 bg-white p-5">
      <h2 className="text-lg font-semibold">Settings</h2>
      <form className="mt-3 grid gap-4 sm:grid-cols-2" onSubmit={(e) => void save(e)} noValidate>
        <label className="flex items-center gap-2 text-sm sm:col-span-2">
          <input type="checkbox" checked={s.enabled} onChange={(e) => set("enabled", e.target.checked)} /> VPN enabled
          (users can create and download profiles; the preflight above must pass)
        </label>
        {fields.enabled && (
          <p role="alert" className="text-sm text-red-700 sm:col-span-2">
            {fields.enabled}
          </p>
        )}
        <TextField id="vpn-remote-host" label="Server address clients dial" {...bind("remoteHost")} />
        <div className="grid grid-cols-2 gap-2">
          <TextField id="vpn-remote-port" label="Port" inputMode="numeric" {...bind("remotePort")} />
          <SelectField
            id="vpn-proto"
            label="Protocol"
            value={s.proto}
            onChange={(e) => set("proto", e.target.value as "udp" | "tcp")}
          >
            <option value="udp">UDP</option>
            <option value="tcp">TCP</option>
          </SelectField>
        </div>
        <TextField
          id="vpn-network"
          label="Tunnel network"
          hint="The server takes the first address."
          {...bind("network")}
        />
        <TextField
          id="vpn-pool"
          label="Static address pool"
          hint="One address per user, outside the dynamic range (which is what lies before it)."
          {...bind("pool")}
        />
        <TextField
          id="vpn-lab-networks"
          label="Lab networks (routed through the VPN)"
          hint="Comma-separated, e.g. 10.20.0.0/16"
          value={nets}
          error={labNetError}
          onChange={(e) => setNets(e.target.value)}
          className="sm:col-span-2"
        />
        <TextField id="vpn-cert-days" label="Certificate lifetime (days)" inputMode="numeric" {...bind("certDays")} />
        <TextField
          id="vpn-renew-days"
          label="Offer renewal this many days before expiry"
          inputMode="numeric"
          {...bind("renewDays")}
        />
        <TextField
          id="vpn-crl-days"
          label="Revocation list lifetime (days)"
          hint="Refreshed when half of it is gone."
          inputMode="numeric"
          {...bind("crlDays")}
        />
        <TextField
          id="vpn-rdp-gateway"
          label="RD Gateway for .rdp files"
          hint="host or host:port; empty = connect directly through the VPN"
          {...bind("rdpGateway")}
        />
        <div className="flex items-center gap-3 sm:col-span-2">
          <Button type="submit" pending={pending} pendingLabel="Saving…">
            Save settings
          </Button>
          {saved && <span className="text-sm text-green-700">Saved. server.conf was rewritten.</span>}
          {error && !fields.enabled && <span className="text-sm text-red-700">{error}</span>}
        </div>
      </form>
    </section>
  );
}
