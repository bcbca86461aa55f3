"use client";

// The hosts: status, last error, used capacity as small bars, cordon/drain badges, orphans; and per host the
// actions Probe now, Cordon/Uncordon, Drain, Edit and Delete. A table on wide screens, stacked cards on phones.
import { type ReactNode, useState } from "react";
import { HostStats } from "@/components/stats/host-stats";
import { Button } from "@/components/ui/button";
import { ConfirmDialog, Dialog } from "@/components/ui/dialog";
import { SelectField, TextField } from "@/components/ui/field";
import { bindField, CancelAndSubmit, FormError, setterOf } from "@/components/ui/form";
import { ListTable, RowMessages } from "@/components/ui/table";
import { useRowMessages } from "@/hooks/use-row-messages";
import { type ApiResult, api } from "@/lib/api";
import { CapacityFields, isCapacityKey } from "./capacity-fields";
import { formatDate, formatMemory, type HostRow, STATUS_CLASS, STATUS_LABEL } from "./types";

const TD = "block py-1 align-top md:table-cell md:px-3 md:py-2";

function UsageBar({
  label,
  used,
  total,
  format = String,
}: {
  label: string;
  used: number;
  total: number;
  format?: (n: number) => string;
}) {
  const pct = total > 0 ? Math.min(100, Math.round((used / total) * 100)) : 0;
  const color = pct >= 90 ? "bg-red-600" : pct >= 75 ? "bg-amber-500" : "bg-brand-600";
  return (
    <div className="text-xs">
      <div className="flex justify-between gap-2">
        <span className="text-slate-600">{label}</span>
        <span className="tabular-nums text-slate-800">
          {format(used)} / {format(total)}
          <span className="sr-only"> ({pct}% used)</span>
        </span>
      </div>
      <div aria-hidden="true" className="mt-0.5 h-1.5 w-full overflow-hidden rounded-full bg-slate-200">
        <div className={`h-full ${color}`} style={{ width: `${pct}%` }} />
      </div>
    </div>
  );
}

function Badge({ className, children }: { className: string; children: ReactNode }) {
  return (
    <span
      className={`inline-block whitespace-nowrap rounded px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${className}`}
    >
      {children}
    </span>
  );
}

type Asking = { kind: "delete" | "drain"; host: HostRow } | null;

export function HostsTable({
  hosts,
  onChanged,
  onRemoved,
}: {
  hosts: HostRow[];
  onChanged: (row: HostRow) => void;
  onRemoved: (id: string) => void;
}) {
  const [working, setWorking] = useState<Record<string, string>>({});
  const rows = useRowMessages();
  const note = rows.show;
  const [asking, setAsking] = useState<Asking>(null);
  const [dialogError, setDialogError] = useState<string | null>(null);
  const [editing, setEditing] = useState<HostRow | null>(null);

  /** Runs one row action; returns null when it worked, else the error (also shown by the row). */
  async function act(
    host: HostRow,
    what: string,
    request: () => Promise<ApiResult<HostRow>>,
    done: (row: HostRow) => string,
  ): Promise<string | null> {
    setWorking((w) => ({ ...w, [host.id]: what }));
    rows.clear(host.id);
    const res = await request();
    setWorking(({ [host.id]: _, ...rest }) => rest);
    if (!res.ok) {
      note(host.id, res.error.message, true);
      return res.error.message;
    }
    onChanged(res.data);
    note(host.id, done(res.data));
    return null;
  }

  const probe = (host: HostRow) =>
    act(
      host,
      "probe",
      () => api<HostRow>(`/api/admin/hosts/${encodeURIComponent(host.id)}/probe`, { method: "POST" }),
      (row) => `Probed: ${STATUS_LABEL[row.status].toLowerCase()}.`,
    );
  const patch = (host: HostRow, what: string, json: Record<string, unknown>, done: string) =>
    act(
      host,
      what,
      () => api<HostRow>(`/api/admin/hosts/${encodeURIComponent(host.id)}`, { method: "PATCH", json }),
      () => done,
    );

  async function confirm() {
    if (!asking) return;
    const { host } = asking;
    if (asking.kind === "drain") {
      setDialogError(null);
      const failure = await patch(host, "drain", { draining: true }, "Draining: no new machines go here.");
      if (failure === null) setAsking(null);
      else {
        note(host.id, null, true);
        setDialogError(failure);
      }
      return;
    }
    setWorking((w) => ({ ...w, [host.id]: "delete" }));
    setDialogError(null);
    const res = await api<null>(`/api/admin/hosts/${encodeURIComponent(host.id)}`, { method: "DELETE" });
    setWorking(({ [host.id]: _, ...rest }) => rest);
    if (!res.ok) {
      setDialogError(res.error.message);
      return;
    }
    setAsking(null);
    onRemoved(host.id);
  }

  return (
    <>
      <ListTable
        caption="Hosts"
        stacked
        columns={["Host", "Status", "Used / capacity", "Actions"]}
        testId="hosts-table"
      >
        {hosts.map((h) => {
          const busy = working[h.id];
          return (
            <tr key={h.id} className="block px-3 py-3 md:table-row md:p-0" data-testid={`host-row-${h.name}`}>
              <td className={`${TD} md:max-w-xs`}>
                <div className="font-medium text-slate-900">{h.name}</div>
                <div className="text-slate-600">{h.kind === "LIBVIRT" ? `libvirt (${h.virtType})` : "Docker"}</div>
                <div className="font-mono text-xs break-all text-slate-600">{h.uri}</div>
                <div className="mt-1 flex flex-wrap gap-1">
                  {h.cordoned && <Badge className="bg-amber-100 text-amber-900 ring-amber-300">Cordoned</Badge>}
                  {h.draining && <Badge className="bg-amber-100 text-amber-900 ring-amber-300">Draining</Badge>}
                </div>
              </td>
              <td className={`${TD} md:max-w-xs`}>
                <Badge className={STATUS_CLASS[h.status]}>
                  <span data-testid="host-status">{STATUS_LABEL[h.status]}</span>
                </Badge>
                {h.statusDetail && <p className="mt-1 text-xs break-words text-slate-600">{h.statusDetail}</p>}
                <p className="mt-1 text-xs text-slate-500">Last seen {formatDate(h.lastSeenAt)}</p>
                {h.lastError && (
                  <p className="mt-1 text-xs break-words text-red-800">
                    <span className="font-medium">Last error</span> ({formatDate(h.lastErrorAt)}): {h.lastError}
                  </p>
                )}
                {h.orphans.length > 0 && (
                  <details className="mt-1 text-xs">
                    <summary className="cursor-pointer text-amber-900">
                      {h.orphans.length} orphan{h.orphans.length === 1 ? "" : "s"} on the host
                    </summary>
                    <p className="mt-1 text-slate-600">Found on the host but unknown to the portal:</p>
                    <ul className="mt-1 list-disc pl-5 font-mono break-all">
                      {h.orphans.map((o) => (
                        <li key={o}>{o}</li>
                      ))}
                    </ul>
                  </details>
                )}
              </td>
              <td className={`${TD} md:w-56`}>
                <div className="space-y-1.5">
                  <UsageBar label="vCPU" used={h.used.vcpus} total={h.vcpus} />
                  <UsageBar label="RAM" used={h.used.memoryMb} total={h.memoryMb} format={formatMemory} />
                  <UsageBar label="Disk" used={h.used.diskGb} total={h.diskGb} format={(n) => `${n} GB`} />
                  <UsageBar label="Machines" used={h.used.machines} total={h.maxMachines} />
                </div>
                {h.status !== "OFFLINE" && (
                  <div className="mt-3">
                    <HostStats hostId={h.id} />
                  </div>
                )}
              </td>
              <td className={`${TD} md:min-w-[14rem]`}>
                <div className="flex flex-wrap gap-1.5">
                  <Button
                    size="sm"
                    variant="secondary"
                    disabled={Boolean(busy)}
                    pending={busy === "probe"}
                    pendingLabel="Probing…"
                    onClick={() => void probe(h)}
                    aria-label={`Probe ${h.name} now`}
                  >
                    Probe now
                  </Button>
                  <Button
                    size="sm"
                    variant="secondary"
                    disabled={Boolean(busy)}
                    pending={busy === "cordon"}
                    pendingLabel="Saving…"
                    onClick={() =>
                      void patch(
                        h,
                        "cordon",
                        { cordoned: !h.cordoned },
                        h.cordoned
                          ? "Uncordoned: new machines may go here again."
                          : "Cordoned: no new machines go here.",
                      )
                    }
                    aria-label={`${h.cordoned ? "Uncordon" : "Cordon"} ${h.name}`}
                  >
                    {h.cordoned ? "Uncordon" : "Cordon"}
                  </Button>
                  {h.draining ? (
                    <Button
                      size="sm"
                      variant="secondary"
                      disabled={Boolean(busy)}
                      pending={busy === "drain"}
                      pendingLabel="Saving…"
                      onClick={() => void patch(h, "drain", { draining: false }, "No longer draining.")}
                      aria-label={`Stop draining ${h.name}`}
                    >
                      Stop draining
                    </Button>
                  ) : (
                    <Button
                      size="sm"
                      variant="secondary"
                      disabled={Boolean(busy)}
                      onClick={() => {
                        setDialogError(null);
                        setAsking({ kind: "drain", host: h });
                      }}
                      aria-label={`Drain ${h.name}`}
                    >
                      Drain
                    </Button>
                  )}
                  <Button
                    size="sm"
                    variant="secondary"
                    disabled={Boolean(busy)}
                    onClick={() => setEditing(h)}
                    aria-label={`Edit ${h.name}`}
                  >
                    Edit
                  </Button>
                  <Button
                    size="sm"
                    variant="danger"
                    disabled={Boolean(busy)}
                    onClick={() => {
                      setDialogError(null);
                      setAsking({ kind: "delete", host: h });
                    }}
                    aria-label={`Delete ${h.name}`}
                  >
                    Delete
                  </Button>
                </div>
                <RowMessages
                  error={rows.errors[h.id]}
                  note={rows.notes[h.id]}
                  className="mt-1 text-sm"
                  errorTestId="host-row-error"
                />
              </td>
            </tr>
          );
        })}
      </ListTable>

      <ConfirmDialog
        open={asking !== null}
        title={
          asking ? (asking.kind === "delete" ? `Delete host ${asking.host.name}?` : `Drain ${asking.host.name}?`) : ""
        }
        confirmLabel={asking?.kind === "delete" ? "Delete host" : "Drain"}
        tone={asking?.kind === "delete" ? "danger" : "primary"}
        pending={asking ? Boolean(working[asking.host.id]) : false}
        error={dialogError}
        onConfirm={() => void confirm()}
        onCancel={() => setAsking(null)}
        testId="host-dialog"
      >
        {asking?.kind === "delete" && (
          <p>
            The portal forgets <strong>{asking.host.name}</strong>. Nothing on the host itself is removed. A host that
            still has machines cannot be deleted; drain it and delete or move its machines first.
          </p>
        )}
        {asking?.kind === "drain" && (
          <p>
            No new machines are placed on <strong>{asking.host.name}</strong>. Its {asking.host.used.machines} machine
            {asking.host.used.machines === 1 ? "" : "s"} keep running until they are deleted or moved; then the host can
            be removed.
          </p>
        )}
      </ConfirmDialog>

      <Dialog
        open={editing !== null}
        title={editing ? `Edit ${editing.name}` : ""}
        onClose={() => setEditing(null)}
        testId="edit-host-dialog"
      >
        {editing && (
          <EditHostForm
            key={editing.id}
            host={editing}
            onClose={() => setEditing(null)}
            onSaved={(row) => {
              onChanged(row);
              note(row.id, "Saved.");
              setEditing(null);
            }}
          />
        )}
      </Dialog>
    </>
  );
}

type EditValues = {
  name: string;
  virtType: string;
  consoleAddress: string;
  publicConsoleAddress: string;
  publishAddress: string;
  vcpus: string;
  memoryMb: string;
  diskGb: string;
  maxMachines: string;
};

function EditHostForm({
  host,
  onClose,
  onSaved,
}: {
  host: HostRow;
  onClose: () => void;
  onSaved: (row: HostRow) => void;
}) {
  const initial: EditValues = {
    name: host.name,
    virtType: host.virtType,
    consoleAddress: host.consoleAddress,
    publicConsoleAddress: host.publicConsoleAddress ?? "",
    publishAddress: host.publishAddress,
    vcpus: String(host.vcpus),
    memoryMb: String(host.memoryMb),
    diskGb: String(host.diskGb),
    maxMachines: String(host.maxMachines),
  };
  const [v, setV] = useState(initial);
  const [fields, setFields] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const bind = bindField(v, fields, setterOf(setV));

  async function save(event: React.FormEvent) {
    event.preventDefault();
    const changes: Record<string, unknown> = {};
    const clientErrors: Record<string, string> = {};
    for (const key of Object.keys(initial) as (keyof EditValues)[]) {
      if (v[key].trim() === initial[key]) continue;
      if (isCapacityKey(key)) {
        if (!/^\d+$/.test(v[key].trim())) clientErrors[key] = "Enter a whole number.";
        else changes[key] = Number(v[key]);
      } else changes[key] = v[key].trim();
    }
    setFields(clientErrors);
    setError(null);
    if (Object.keys(clientErrors).length) return;
    if (Object.keys(changes).length === 0) {
      onClose();
      return;
    }
    setSaving(true);
    const res = await api<HostRow>(`/api/admin/hosts/${encodeURIComponent(host.id)}`, {
      method: "PATCH",
      json: changes,
    });
    setSaving(false);
    if (!res.ok) {
      setFields(res.error.fields ?? {});
      setError(
        res.error.fields && Object.keys(res.error.fields).length
          ? "Please correct the marked fields."
          : res.error.message,
      );
      return;
    }
    onSaved(res.data);
  }

  return (
    <form onSubmit={(e) => void save(e)} noValidate className="grid grid-cols-2 gap-3">
      <TextField id="edit-host-name" label="Name" className="col-span-2" {...bind("name")} />
      <CapacityFields idPrefix="edit-host" bind={bind} />
      {host.kind === "LIBVIRT" && (
        <SelectField id="edit-host-virt" label="Virtualization" {...bind("virtType")}>
          <option value="kvm">kvm</option>
          <option value="qemu">qemu</option>
        </SelectField>
      )}
      <TextField id="edit-host-console" label="Console address" {...bind("consoleAddress")} />
      {host.kind === "LIBVIRT" && (
        <TextField
          id="edit-host-public-console"
          label="Public console address"
          placeholder="lab.example.edu"
          hint="Where students' remote-viewer reaches the SPICE displays (.vv files). Empty: the console address, unless it is 127.0.0.1."
          {...bind("publicConsoleAddress")}
        />
      )}
      {host.kind === "DOCKER" && (
        <TextField id="edit-host-publish" label="Publish address" {...bind("publishAddress")} />
      )}
      <FormError error={error} className="col-span-2" />
      <div className="col-span-2 mt-2 flex flex-wrap justify-end gap-2">
        <CancelAndSubmit onCancel={onClose} pending={saving} pendingLabel="Saving…" testId="edit-host-save">
          Save
        </CancelAndSubmit>
      </div>
    </form>
  );
}
