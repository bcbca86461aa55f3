"use client";

// Usage against limits per user: filter (search, role, plan), sort by any column, and per user a dialog to
// assign a plan and set overrides, and one to grant extra hours (plan budget or one of their classes).
import { useState } from "react";
import {
  formatMb,
  formatSeconds,
  hoursText,
  LIMIT_KEYS,
  LIMIT_LABELS,
  type LimitKey,
  ofLimit,
  type Plan,
  type QuotaList,
  type QuotaUserRow,
} from "@/components/requests/quota-format";
import { UsageBar } from "@/components/requests/usage-bar";
import { Alert, RetryAlert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { SearchField, SelectField, TextField } from "@/components/ui/field";
import { bindField, CancelAndSubmit, FormError, setterOf } from "@/components/ui/form";
import { Pager } from "@/components/ui/pager";
import { useCoalesced } from "@/hooks/use-coalesced";
import { useDebounced } from "@/hooks/use-debounced";
import { useLatestRequest } from "@/hooks/use-latest-request";
import { RECONNECTED, useLiveEvents } from "@/hooks/use-live-events";
import { usePage } from "@/hooks/use-page";
import { api, queryString } from "@/lib/api";
import type { TQuotaUserDetail } from "@/server/quotas/routes";

type Sort = "name" | "role" | "plan" | "machines" | "running" | "vcpus" | "memory" | "disk" | "hours";
const ROLE_LABELS: Record<string, string> = { ADMIN: "Admin", TEACHER: "Teacher", STUDENT: "Student" };
const PAGE_SIZE = 50;

/** One usage column of a row: what (for the bar's accessible name), used, the limit, the text. */
type UsageCell = [what: string, used: number, limit: number | null, text: string];

type OverrideForm = Record<LimitKey, string> & { note: string; planId: string };

function overrideForm(row: QuotaUserRow): OverrideForm {
  const f = { note: row.override?.note ?? "", planId: row.ownPlanId ?? "" } as OverrideForm;
  for (const k of LIMIT_KEYS) {
    const v = row.override?.[k] ?? null;
    f[k] = v === null ? "" : v < 0 ? "unlimited" : String(v);
  }
  return f;
}

export function UsagePanel({ plans }: { plans: Plan[] }) {
  const [q, setQ] = useState("");
  const [role, setRole] = useState("");
  const [planId, setPlanId] = useState("");
  const [sort, setSort] = useState<Sort>("name");
  const [dir, setDir] = useState<"asc" | "desc">("asc");
  const [editing, setEditing] = useState<QuotaUserRow | null>(null);
  const [form, setForm] = useState<OverrideForm | null>(null);
  const [granting, setGranting] = useState<TQuotaUserDetail | null>(null);
  const [grant, setGrant] = useState({ hours: "", classId: "", note: "" });
  const [fields, setFields] = useState<Record<string, string>>({});
  const [dialogError, setDialogError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  const bindLimits = bindField(form ?? ({} as OverrideForm), fields, (key, value) =>
    setForm((old) => old && { ...old, [key]: value }),
  );
  const bindGrant = bindField(grant, fields, setterOf(setGrant));
  const debouncedQ = useDebounced(q, 300);
  // back to page 1 when the filter changes
  const [page, setPage] = usePage([debouncedQ, role, planId, sort, dir]);
  const { data, setData, loading, error, setError, reload } = useLatestRequest<QuotaList>(
    `/api/admin/quotas${queryString({ sort, dir, page, pageSize: PAGE_SIZE, q: debouncedQ, role, planId })}`,
  );
  // usage moves as machines start, stop, appear and go: reload, at most once a second
  const scheduleReload = useCoalesced(() => void reload(), 1000);
  useLiveEvents(["machine.updated", "machine.deleted", RECONNECTED], scheduleReload);

  function sortBy(column: Sort) {
    if (sort === column) setDir(dir === "asc" ? "desc" : "asc");
    else {
      setSort(column);
      setDir(column === "name" || column === "role" || column === "plan" ? "asc" : "desc");
    }
  }

  function openEdit(row: QuotaUserRow) {
    setEditing(row);
    setForm(overrideForm(row));
    setFields({});
    setDialogError(null);
  }

  async function openGrant(row: QuotaUserRow) {
    setFields({});
    setDialogError(null);
    setGrant({ hours: "", classId: "", note: "" });
    const res = await api<TQuotaUserDetail>(`/api/admin/quotas/${row.id}`);
    if (!res.ok) return setError(res.error.message);
    setGrant({ hours: "", classId: res.data.classes[0]?.classId ?? "", note: "" });
    setGranting(res.data);
  }

  const replaceRow = (row: QuotaUserRow) =>
    setData((d) => (d ? { ...d, items: d.items.map((r) => (r.id === row.id ? row : r)) } : d));

  async function saveEdit(clear = false) {
    if (!editing || !form) return;
    const override: Record<string, unknown> = { note: form.note };
    const local: Record<string, string> = {};
    for (const k of LIMIT_KEYS) {
      const raw = form[k].trim().toLowerCase();
      if (raw === "") override[k] = null;
      else if (raw === "unlimited" || raw === "∞") override[k] = -1;
      else if (/^\d+$/.test(raw)) override[k] = Number(raw);
      else local[`override.${k}`] = "A whole number, “unlimited”, or empty for the plan's value.";
    }
    if (!clear && Object.keys(local).length) return setFields(local);
    const empty = LIMIT_KEYS.every((k) => override[k] === null) && !form.note.trim();
    setSaving(true);
    const res = await api<QuotaUserRow>(`/api/admin/quotas/${editing.id}`, {
      method: "PATCH",
      json: { planId: form.planId || null, override: clear || empty ? null : override },
    });
    setSaving(false);
    if (!res.ok) {
      setFields(res.error.fields ?? {});
      setDialogError(res.error.message);
      return;
    }
    replaceRow(res.data);
    setNote(`Limits of ${res.data.email} saved.`);
    setEditing(null);
  }

  async function saveGrant() {
    if (!granting) return;
    setSaving(true);
    const res = await api(`/api/quota-grants`, {
      method: "POST",
      json: {
        userId: granting.id,
        classId: grant.classId || null,
        hours: grant.hours.trim() === "" ? undefined : Number(grant.hours),
        note: grant.note || undefined,
      },
    });
    setSaving(false);
    if (!res.ok) {
      setFields(res.error.fields ?? {});
      setDialogError(res.error.message);
      return;
    }
    setNote(`${grant.hours} h granted to ${granting.email} for this month.`);
    setGranting(null);
    void reload();
  }

  const header = (column: Sort, label: string, className = "") => (
    <th
      scope="col"
      className={`px-3 py-2 ${className}`}
      aria-sort={sort === column ? (dir === "asc" ? "ascending" : "descending") : undefined}
    >
      <button
        type="button"
        className="inline-flex items-center gap-1 uppercase hover:text-slate-900"
        onClick={() => sortBy(column)}
      >
        {label}
        <span aria-hidden="true">{sort === column ? (dir === "asc" ? "▲" : "▼") : ""}</span>
      </button>
    </th>
  );

  const effectivePlanName = (row: QuotaUserRow) => row.limits.planName ?? "None (unlimited)";

  return (
    <section className="space-y-3" aria-label="Usage per user">
      <search className="grid gap-3 sm:grid-cols-[1fr_auto_auto]">
        <SearchField id="quota-search" placeholder="Email or name" value={q} onValue={setQ} />
        <SelectField id="quota-role" label="Role" value={role} onChange={(e) => setRole(e.target.value)}>
          <option value="">All roles</option>
          <option value="STUDENT">Students</option>
          <option value="TEACHER">Teachers</option>
          <option value="ADMIN">Admins</option>
        </SelectField>
        <SelectField id="quota-plan" label="Plan" value={planId} onChange={(e) => setPlanId(e.target.value)}>
          <option value="">All plans</option>
          {plans.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
          <option value="none">No plan (unlimited)</option>
        </SelectField>
      </search>
      {error && <RetryAlert onRetry={reload}>{error}</RetryAlert>}
      {note && <Alert tone="success">{note}</Alert>}
      <p className="text-sm text-slate-600" aria-live="polite">
        {loading && !data
          ? "Loading…"
          : data
            ? data.total === 0
              ? "No users match."
              : `${data.total} users · hours for ${data.month}`
            : ""}
      </p>
      {data && data.items.length > 0 && (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="w-full text-left text-sm" data-testid="quota-table" aria-busy={loading || undefined}>
            <caption className="sr-only">Usage against limits per user</caption>
            <thead className="border-b border-slate-200 bg-slate-50 text-xs tracking-wide text-slate-600">
              <tr>
                {header("name", "User")}
                {header("role", "Role")}
                {header("plan", "Plan")}
                {header("machines", "Machines")}
                {header("running", "Running")}
                {header("vcpus", "vCPU")}
                {header("memory", "RAM")}
                {header("disk", "Disk")}
                {header("hours", "Hours")}
                <th scope="col" className="px-3 py-2">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {data.items.map((r) => {
                const u = r.usage;
                const l = r.limits;
                return (
                  <tr
                    key={r.id}
                    data-testid={`quota-row-${r.email}`}
                    className={r.disabled ? "bg-slate-50 text-slate-500" : undefined}
                  >
                    <td className="px-3 py-2 align-top">
                      <div className="font-medium text-slate-900">{r.name}</div>
                      <div className="text-xs text-slate-500">{r.email}</div>
                    </td>
                    <td className="px-3 py-2 align-top">{ROLE_LABELS[r.role]}</td>
                    <td className="px-3 py-2 align-top">
                      {effectivePlanName(r)}
                      {!r.ownPlanId && l.planId && <div className="text-xs text-slate-500">role default</div>}
                      {r.override && <div className="text-xs text-amber-800">override</div>}
                    </td>
                    {(
                      [
                        ["Machines", u.machines, l.maxMachines, ofLimit(u.machines, l.maxMachines)],
                        ["Running machines", u.running, l.maxRunning, ofLimit(u.running, l.maxRunning)],
                        ["vCPUs", u.vcpus, l.maxVcpus, ofLimit(u.vcpus, l.maxVcpus)],
                        ["Memory", u.memoryMb, l.maxMemoryMb, ofLimit(u.memoryMb, l.maxMemoryMb, formatMb)],
                        ["Disk", u.diskGb, l.maxDiskGb, ofLimit(u.diskGb, l.maxDiskGb, (n) => `${n} GB`)],
                        [
                          "Hours",
                          u.hoursUsedSeconds,
                          r.hoursTotalSeconds,
                          `${hoursText(u.hoursUsedSeconds, r.hoursTotalSeconds)}${r.hoursLeftSeconds !== null ? ` · ${formatSeconds(r.hoursLeftSeconds)} left` : ""}`,
                        ],
                      ] satisfies UsageCell[]
                    ).map(([what, used, limit, text]) => (
                      <td key={what} className="px-3 py-2 align-top">
                        <UsageBar used={used} limit={limit} label={`${what} of ${r.email}`} text={text} />
                      </td>
                    ))}
                    <td className="px-3 py-2 text-right align-top whitespace-nowrap">
                      <Button
                        size="sm"
                        variant="ghost"
                        onClick={() => openEdit(r)}
                        aria-label={`Edit limits of ${r.email}`}
                        data-testid="quota-edit"
                      >
                        Limits…
                      </Button>
                      <Button
                        size="sm"
                        variant="ghost"
                        onClick={() => void openGrant(r)}
                        aria-label={`Grant hours to ${r.email}`}
                        data-testid="quota-grant"
                      >
                        Hours…
                      </Button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {data && data.total > data.pageSize && <Pager list={data} page={page} onPage={setPage} busy={loading} />}

      <Dialog
        open={editing !== null}
        title={`Limits of ${editing?.name ?? ""}`}
        onClose={() => setEditing(null)}
        testId="limits-dialog"
        footer={
          <>
            <Button variant="secondary" onClick={() => setEditing(null)} disabled={saving}>
              Cancel
            </Button>
            {editing?.override && (
              <Button variant="secondary" onClick={() => void saveEdit(true)} disabled={saving}>
                Remove overrides
              </Button>
            )}
            <Button onClick={() => void saveEdit()} pending={saving} data-testid="limits-save">
              Save
            </Button>
          </>
        }
      >
        {editing && form && (
          <>
            <SelectField
              id="limits-plan"
              label="Plan"
              {...bindLimits("planId")}
              hint="“Role default” follows whichever plan is the default for their role."
            >
              <option value="">Role default</option>
              {plans.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </SelectField>
            <p className="text-xs text-slate-500">
              Overrides replace single values of the plan. Empty: the plan's value. “unlimited”: no limit.
            </p>
            <div className="grid grid-cols-2 gap-3">
              {LIMIT_KEYS.map((k) => (
                <TextField
                  key={k}
                  id={`limits-${k}`}
                  label={LIMIT_LABELS[k]}
                  placeholder="Plan's value"
                  {...bindLimits(k)}
                  error={fields[`override.${k}`]}
                />
              ))}
            </div>
            <TextField
              id="limits-note"
              label="Note"
              {...bindLimits("note")}
              error={fields["override.note"]}
              placeholder="Why (shown to admins)"
            />
            <FormError error={dialogError} />
          </>
        )}
      </Dialog>

      <Dialog
        open={granting !== null}
        title={`Grant hours to ${granting?.name ?? ""}`}
        onClose={() => setGranting(null)}
        testId="grant-dialog"
        footer={
          <CancelAndSubmit
            onCancel={() => setGranting(null)}
            onSubmit={() => void saveGrant()}
            pending={saving}
            testId="grant-save"
          >
            Grant
          </CancelAndSubmit>
        }
      >
        {granting && (
          <>
            <SelectField id="grant-class" label="Budget" {...bindGrant("classId")}>
              {granting.classes.map((c) => (
                <option key={c.classId} value={c.classId}>
                  {c.className} — {hoursText(c.usedSeconds, c.totalSeconds)}
                </option>
              ))}
              <option value="">
                Plan hours (all machines) — {hoursText(granting.usage.hoursUsedSeconds, granting.hoursTotalSeconds)}
              </option>
            </SelectField>
            <TextField
              id="grant-hours"
              label="Extra hours this month"
              type="number"
              min={1}
              max={1000}
              {...bindGrant("hours")}
            />
            <TextField id="grant-note" label="Note (optional)" {...bindGrant("note")} />
            <FormError error={dialogError} />
          </>
        )}
      </Dialog>
    </section>
  );
}
