"use client";

// Quota requests as a list: my own (withdraw), a teacher's classes' hours requests, or every request (admins),
// with approve / deny for those who may decide. Live: "quota.request" events reload the list.
import { useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { SelectField, TextAreaField, TextField } from "@/components/ui/field";
import { useLatestRequest } from "@/hooks/use-latest-request";
import { RECONNECTED, useLiveEvents } from "@/hooks/use-live-events";
import { api, queryString } from "@/lib/api";
import {
  formatDate,
  KIND_LABELS,
  type RequestList,
  type RequestRow,
  STATUS_LABELS,
  STATUS_TONES,
} from "./quota-format";

type Scope = "mine" | "classes" | "all";
type Decision = { kind: "approve" | "deny"; request: RequestRow };

export function RequestsList({
  scope,
  canDecide,
  isAdmin,
  reloadKey = 0,
  title,
  testId = "requests",
}: {
  scope: Scope;
  canDecide: boolean;
  isAdmin: boolean;
  reloadKey?: number;
  title: string;
  testId?: string;
}) {
  const [status, setStatus] = useState(scope === "mine" ? "ALL" : "PENDING");
  const [decision, setDecision] = useState<Decision | null>(null);
  const [note, setNote] = useState("");
  const [hours, setHours] = useState("");
  const [newLimit, setNewLimit] = useState("");
  const [working, setWorking] = useState(false);
  const [dialogError, setDialogError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  // reloadKey asks for a reload from the parent
  const { data, error, setError, reload } = useLatestRequest<RequestList>(
    `/api/quota-requests${queryString({ scope, status, pageSize: 100 })}`,
    { reloadKey },
  );
  useLiveEvents(["quota.request", RECONNECTED], () => void reload());

  function open(kind: Decision["kind"], request: RequestRow) {
    setDecision({ kind, request });
    setNote("");
    setHours(request.kind === "HOURS" ? String(request.amount) : "");
    setNewLimit("");
    setDialogError(null);
    setFieldErrors({});
  }

  async function decide() {
    if (!decision) return;
    const { request } = decision;
    setWorking(true);
    setDialogError(null);
    setFieldErrors({});
    let res: Awaited<ReturnType<typeof api<RequestRow>>>;
    if (decision.kind === "deny") {
      res = await api<RequestRow>(`/api/quota-requests/${request.id}/deny`, { method: "POST", json: { reason: note } });
    } else {
      const json: Record<string, unknown> = {};
      if (note.trim()) json.note = note.trim();
      if (request.kind === "HOURS" && hours.trim()) json.hours = Number(hours);
      if (request.kind !== "HOURS" && newLimit.trim()) {
        const field = request.kind === "MACHINES" ? "maxMachines" : (request.resource ?? "maxRunning");
        json.limits = { [field]: newLimit.trim().toLowerCase() === "unlimited" ? -1 : Number(newLimit) };
      }
      res = await api<RequestRow>(`/api/quota-requests/${request.id}/approve`, { method: "POST", json });
    }
    setWorking(false);
    if (!res.ok) {
      setFieldErrors(res.error.fields ?? {});
      setDialogError(res.error.message);
      return;
    }
    setDecision(null);
    void reload();
  }

  async function withdraw(request: RequestRow) {
    const res = await api<RequestRow>(`/api/quota-requests/${request.id}/cancel`, { method: "POST" });
    if (!res.ok) setError(res.error.message);
    void reload();
  }

  const showUser = scope !== "mine";
  return (
    <section aria-labelledby={`${testId}-heading`} className="space-y-3" data-testid={testId}>
      <div className="flex flex-wrap items-end justify-between gap-3">
        <h2 id={`${testId}-heading`} className="text-lg font-semibold">
          {title}
          {data && data.pending > 0 && (
            <span className="ml-2 rounded-full bg-amber-100 px-2 py-0.5 text-xs font-medium text-amber-900">
              {data.pending} pending
            </span>
          )}
        </h2>
        <SelectField
          id={`${testId}-status`}
          label="Status"
          value={status}
          onChange={(e) => setStatus(e.target.value)}
          className="w-44"
        >
          <option value="PENDING">Pending</option>
          <option value="APPROVED">Approved</option>
          <option value="DENIED">Denied</option>
          <option value="CANCELLED">Withdrawn</option>
          <option value="ALL">All</option>
        </SelectField>
      </div>
      {error && <Alert tone="error">{error}</Alert>}
      {data && data.items.length === 0 && <p className="text-sm text-slate-600">No requests here.</p>}
      {data && data.items.length > 0 && (
        <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white">
          {data.items.map((r) => (
            <li
              key={r.id}
              className="flex flex-wrap items-start justify-between gap-3 px-4 py-3 text-sm"
              data-testid={`request-${r.id}`}
            >
              <div className="min-w-0 space-y-1">
                <div className="flex flex-wrap items-center gap-2">
                  <span className="font-medium text-slate-900">{r.summary}</span>
                  <span className="text-slate-500">· {KIND_LABELS[r.kind]}</span>
                  {r.className && <span className="text-slate-500">· {r.className}</span>}
                  <span
                    className={`rounded-full px-2 py-0.5 text-xs font-medium ${STATUS_TONES[r.status]}`}
                    data-testid="request-status"
                  >
                    {STATUS_LABELS[r.status]}
                  </span>
                </div>
                {showUser && (
                  <div className="text-slate-700">
                    {r.user.name} <span className="text-slate-500">({r.user.email})</span>
                  </div>
                )}
                <p className="whitespace-pre-wrap text-slate-700">“{r.reason}”</p>
                <p className="text-xs text-slate-500">
                  Asked {formatDate(r.createdAt)}
                  {r.decidedBy &&
                    r.decidedAt &&
                    ` · ${r.status === "APPROVED" ? "approved" : "denied"} by ${r.decidedBy.name} ${formatDate(r.decidedAt)}`}
                </p>
                {r.decisionNote && (
                  <p className={r.status === "DENIED" ? "text-red-800" : "text-slate-700"} data-testid="request-note">
                    {r.status === "DENIED" ? "Reason: " : "Note: "}
                    {r.decisionNote}
                  </p>
                )}
              </div>
              <div className="flex gap-2">
                {canDecide && r.status === "PENDING" && (isAdmin || r.kind === "HOURS") && (
                  <>
                    <Button size="sm" onClick={() => open("approve", r)} data-testid="request-approve">
                      Approve…
                    </Button>
                    <Button size="sm" variant="secondary" onClick={() => open("deny", r)} data-testid="request-deny">
                      Deny…
                    </Button>
                  </>
                )}
                {scope === "mine" && r.status === "PENDING" && (
                  <Button size="sm" variant="ghost" onClick={() => void withdraw(r)}>
                    Withdraw
                  </Button>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}

      <Dialog
        open={decision !== null}
        title={decision?.kind === "deny" ? "Deny this request?" : "Approve this request?"}
        onClose={() => setDecision(null)}
        testId="decide-dialog"
        footer={
          <>
            <Button variant="secondary" onClick={() => setDecision(null)} disabled={working}>
              Cancel
            </Button>
            <Button
              variant={decision?.kind === "deny" ? "danger" : "primary"}
              onClick={() => void decide()}
              pending={working}
              data-testid="decide-confirm"
            >
              {decision?.kind === "deny" ? "Deny" : "Approve"}
            </Button>
          </>
        }
      >
        {decision && (
          <>
            <p>
              <strong>{decision.request.user.name}</strong> asks for <strong>{decision.request.summary}</strong>
              {decision.request.className ? ` in ${decision.request.className}` : ""}.
            </p>
            {decision.kind === "approve" && decision.request.kind === "HOURS" && (
              <TextField
                id="decide-hours"
                label="Hours to grant this month"
                type="number"
                min={1}
                max={1000}
                value={hours}
                onChange={(e) => setHours(e.target.value)}
                error={fieldErrors.hours}
                hint={
                  decision.request.className
                    ? `Added to ${decision.request.className}'s budget for this student.`
                    : "Added to the plan's hours for this month."
                }
              />
            )}
            {decision.kind === "approve" && decision.request.kind !== "HOURS" && (
              <TextField
                id="decide-limit"
                label="New limit (optional)"
                value={newLimit}
                onChange={(e) => setNewLimit(e.target.value)}
                error={
                  fieldErrors["limits.maxMachines"] ??
                  Object.entries(fieldErrors).find(([k]) => k.startsWith("limits."))?.[1]
                }
                hint="Empty: their current limit plus what they asked for. A number, or “unlimited”. Saved as a per-user override."
              />
            )}
            <TextAreaField
              id="decide-note"
              label={
                decision.kind === "deny" ? "Reason (the requester sees it)" : "Note (optional, the requester sees it)"
              }
              rows={3}
              value={note}
              onChange={(e) => setNote(e.target.value)}
              error={fieldErrors.reason ?? fieldErrors.note}
              required={decision.kind === "deny"}
            />
            {dialogError && (
              <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-red-800">
                {dialogError}
              </p>
            )}
          </>
        )}
      </Dialog>
    </section>
  );
}
