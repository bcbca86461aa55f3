"use client";

// Plans: named limit sets. A table, a form (in a dialog) to create or edit one, and delete with a choice to move
// the plan's users back to their role's default plan.
import { type FormEvent, useState } from "react";
import { formatMb, LIMIT_KEYS, LIMIT_LABELS, type LimitKey, type Plan } from "@/components/requests/quota-format";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { ConfirmDialog, Dialog } from "@/components/ui/dialog";
import { SelectField, TextField } from "@/components/ui/field";
import { bindField, CancelAndSubmit, FormError, setterOf } from "@/components/ui/form";
import { ListTable } from "@/components/ui/table";
import { api } from "@/lib/api";

const ROLE_NAMES: Record<string, string> = { STUDENT: "Students", TEACHER: "Teachers", ADMIN: "Admins" };
type Form = { name: string; description: string; defaultFor: string } & Record<LimitKey, string>;

const emptyForm: Form = {
  name: "",
  description: "",
  defaultFor: "",
  maxMachines: "",
  maxRunning: "",
  maxVcpus: "",
  maxMemoryMb: "",
  maxDiskGb: "",
  hoursPerMonth: "",
};

function toForm(p: Plan): Form {
  const f = { ...emptyForm, name: p.name, description: p.description, defaultFor: p.defaultFor ?? "" };
  for (const k of LIMIT_KEYS) f[k] = p[k] === null ? "" : String(p[k]);
  return f;
}

function show(k: LimitKey, v: number | null): string {
  if (v === null) return "∞";
  if (k === "maxMemoryMb") return formatMb(v);
  if (k === "maxDiskGb") return `${v} GB`;
  if (k === "hoursPerMonth") return `${v} h`;
  return String(v);
}

export function PlansPanel({
  plans,
  error,
  onChanged,
}: {
  plans: Plan[];
  error: string | null;
  onChanged: () => void;
}) {
  const [editing, setEditing] = useState<Plan | "new" | null>(null);
  const [form, setForm] = useState<Form>(emptyForm);
  const [fields, setFields] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [deleting, setDeleting] = useState<Plan | null>(null);
  const [moveUsers, setMoveUsers] = useState(false);
  const [deleteError, setDeleteError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const bind = bindField(form, fields, setterOf(setForm));

  function open(p: Plan | "new") {
    setEditing(p);
    setForm(p === "new" ? emptyForm : toForm(p));
    setFields({});
    setFormError(null);
  }

  async function save(e: FormEvent) {
    e.preventDefault();
    if (!editing) return;
    const json: Record<string, unknown> = {
      name: form.name,
      description: form.description,
      defaultFor: form.defaultFor || null,
    };
    const local: Record<string, string> = {};
    for (const k of LIMIT_KEYS) {
      const raw = form[k].trim();
      if (raw === "") json[k] = null;
      else if (!/^\d+$/.test(raw)) local[k] = "Use a whole number, or leave it empty for no limit.";
      else json[k] = Number(raw);
    }
    if (Object.keys(local).length) return setFields(local);
    setSaving(true);
    const res =
      editing === "new"
        ? await api<Plan>("/api/admin/plans", { method: "POST", json })
        : await api<Plan>(`/api/admin/plans/${editing.id}`, { method: "PATCH", json });
    setSaving(false);
    if (!res.ok) {
      setFields(res.error.fields ?? {});
      setFormError(res.error.message);
      return;
    }
    setNote(`Plan ${res.data.name} saved.`);
    setEditing(null);
    onChanged();
  }

  async function remove() {
    if (!deleting) return;
    setSaving(true);
    const res = await api(`/api/admin/plans/${deleting.id}${moveUsers ? "?moveUsers=true" : ""}`, { method: "DELETE" });
    setSaving(false);
    if (!res.ok) return setDeleteError(res.error.message);
    setNote(`Plan ${deleting.name} deleted.`);
    setDeleting(null);
    onChanged();
  }

  return (
    <section className="space-y-3" aria-labelledby="plans-heading">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h2 id="plans-heading" className="text-lg font-semibold">
          Plans
        </h2>
        <Button onClick={() => open("new")} data-testid="plan-new">
          New plan
        </Button>
      </div>
      <p className="text-sm text-slate-600">
        Users get their own plan if one is assigned, else the default plan of their role. Empty limits are unlimited.
        Per-user overrides (Usage tab) replace single values.
      </p>
      {error && <Alert tone="error">{error}</Alert>}
      {note && <Alert tone="success">{note}</Alert>}
      <ListTable
        caption="Plans"
        testId="plans-table"
        columns={[
          "Plan",
          "Default for",
          ...LIMIT_KEYS.map((k) => LIMIT_LABELS[k].replace(" (MB)", "").replace(" (GB)", "")),
          "Users",
          { label: "Actions", srOnly: true },
        ]}
      >
        {plans.map((p) => (
          <tr key={p.id} data-testid={`plan-row-${p.name}`}>
            <td className="px-3 py-2 align-top">
              <div className="font-medium text-slate-900">{p.name}</div>
              {p.description && <div className="text-xs text-slate-500">{p.description}</div>}
            </td>
            <td className="px-3 py-2 align-top">{p.defaultFor ? ROLE_NAMES[p.defaultFor] : "—"}</td>
            {LIMIT_KEYS.map((k) => (
              <td key={k} className="px-3 py-2 align-top tabular-nums">
                {show(k, p[k])}
              </td>
            ))}
            <td className="px-3 py-2 align-top tabular-nums">{p.userCount}</td>
            <td className="px-3 py-2 text-right align-top whitespace-nowrap">
              <Button size="sm" variant="ghost" onClick={() => open(p)} aria-label={`Edit plan ${p.name}`}>
                Edit
              </Button>
              <Button
                size="sm"
                variant="ghost"
                onClick={() => {
                  setDeleting(p);
                  setMoveUsers(false);
                  setDeleteError(null);
                }}
                aria-label={`Delete plan ${p.name}`}
              >
                Delete
              </Button>
            </td>
          </tr>
        ))}
      </ListTable>

      <Dialog
        open={editing !== null}
        title={editing === "new" ? "New plan" : `Edit plan ${editing?.name ?? ""}`}
        onClose={() => setEditing(null)}
        testId="plan-dialog"
      >
        <form onSubmit={(e) => void save(e)} noValidate className="space-y-3">
          <TextField id="plan-name" label="Name" {...bind("name")} required />
          <TextField id="plan-description" label="Description" {...bind("description")} />
          <SelectField
            id="plan-default"
            label="Default for"
            {...bind("defaultFor")}
            hint="A role has one default plan; choosing it here takes it from the plan that had it."
          >
            <option value="">No role</option>
            <option value="STUDENT">Students</option>
            <option value="TEACHER">Teachers</option>
            <option value="ADMIN">Admins</option>
          </SelectField>
          <div className="grid grid-cols-2 gap-3">
            {LIMIT_KEYS.map((k) => (
              <TextField
                key={k}
                id={`plan-${k}`}
                label={LIMIT_LABELS[k]}
                inputMode="numeric"
                placeholder="No limit"
                {...bind(k)}
              />
            ))}
          </div>
          <FormError error={formError} />
          <div className="flex justify-end gap-2">
            <CancelAndSubmit onCancel={() => setEditing(null)} pending={saving} testId="plan-save">
              Save plan
            </CancelAndSubmit>
          </div>
        </form>
      </Dialog>

      <ConfirmDialog
        open={deleting !== null}
        title={`Delete plan ${deleting?.name ?? ""}?`}
        confirmLabel="Delete plan"
        tone="danger"
        pending={saving}
        error={deleteError}
        onConfirm={() => void remove()}
        onCancel={() => setDeleting(null)}
        testId="plan-delete"
      >
        {deleting && deleting.userCount > 0 ? (
          <>
            <p>
              {deleting.userCount} {deleting.userCount === 1 ? "user is" : "users are"} on this plan.
            </p>
            <label className="flex items-center gap-2">
              <input type="checkbox" checked={moveUsers} onChange={(e) => setMoveUsers(e.target.checked)} />
              Move them back to their role's default plan
            </label>
          </>
        ) : (
          <p>Nobody is on this plan.</p>
        )}
      </ConfirmDialog>
    </section>
  );
}
