"use client";

// Invite links: create one (label, expiry or never, max uses, allowed addresses or domains), see its full link
// once with a copy button, list the class's links with their status, revoke one.
import { useEffect, useRef, useState } from "react";
import { EmptyState } from "@/components/empty-state";
import { formatDate } from "@/components/machines/machine-bits";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";
import { ConfirmDialog } from "@/components/ui/dialog";
import { TextAreaField, TextField } from "@/components/ui/field";
import { useLatestRequest } from "@/hooks/use-latest-request";
import { api } from "@/lib/api";
import { focusFirstInvalid } from "@/lib/focus";
import type { ClassRow, CreatedInvite, InviteRow } from "./types";

const STATUS: Record<string, { label: string; tone: string }> = {
  active: { label: "Active", tone: "bg-green-100 text-green-800 ring-green-200" },
  expired: { label: "Expired", tone: "bg-slate-100 text-slate-700 ring-slate-200" },
  revoked: { label: "Revoked", tone: "bg-red-100 text-red-800 ring-red-200" },
  "used-up": { label: "Used up", tone: "bg-amber-100 text-amber-900 ring-amber-200" },
};

/** "ana@school.org, @school.org" (commas, spaces or lines) → a list. */
const splitAllowed = (text: string) =>
  text
    .split(/[\s,;]+/)
    .map((s) => s.trim())
    .filter(Boolean);

export function InvitesSection({ cls }: { cls: ClassRow }) {
  const base = `/api/classes/${encodeURIComponent(cls.id)}/invites`;
  const { data, error: loadError, reload: load } = useLatestRequest<{ items: InviteRow[] }>(base);
  const items = data?.items ?? null;
  const [label, setLabel] = useState("");
  const [days, setDays] = useState("7");
  const [never, setNever] = useState(false);
  const [maxUses, setMaxUses] = useState("");
  const [allowed, setAllowed] = useState("");
  const [fields, setFields] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const [created, setCreated] = useState<CreatedInvite | null>(null);
  const [revoking, setRevoking] = useState<InviteRow | null>(null);
  const [revokePending, setRevokePending] = useState(false);
  const [revokeError, setRevokeError] = useState<string | null>(null);
  const createdRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (created) createdRef.current?.focus();
  }, [created]);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    setError(null);
    setFields({});
    setPending(true);
    const list = splitAllowed(allowed);
    const res = await api<CreatedInvite>(base, {
      method: "POST",
      json: {
        label,
        expiresInDays: never ? null : days.trim() === "" ? days : Number(days),
        maxUses: maxUses.trim() === "" ? undefined : Number(maxUses),
        allowed: list,
      },
    });
    setPending(false);
    if (!res.ok) {
      // errors on one allowed entry come back as allowed.N
      const f: Record<string, string> = {};
      for (const [k, v] of Object.entries(res.error.fields ?? {})) {
        const key = k.split(".")[0] ?? k;
        const index = Number(k.split(".")[1]);
        f[key] = Number.isInteger(index) && list[index] ? `${list[index]}: ${v}` : v;
      }
      setFields(f);
      setError(Object.keys(f).length ? "Please correct the marked fields." : res.error.message);
      focusFirstInvalid(form);
      return;
    }
    setCreated(res.data);
    setLabel("");
    setMaxUses("");
    setAllowed("");
    void load();
  }

  async function revoke() {
    if (!revoking) return;
    setRevokePending(true);
    setRevokeError(null);
    const res = await api<null>(`${base}/${encodeURIComponent(revoking.id)}`, { method: "DELETE" });
    setRevokePending(false);
    if (!res.ok) {
      setRevokeError(res.error.message);
      return;
    }
    setRevoking(null);
    void load();
  }

  return (
    <div className="space-y-6">
      <section
        aria-labelledby="new-invite-heading"
        className="space-y-3 rounded-lg border border-slate-200 bg-white p-4"
      >
        <h2 id="new-invite-heading" className="font-semibold">
          New invite link
        </h2>
        <form onSubmit={onSubmit} noValidate aria-labelledby="new-invite-heading" className="grid gap-3 sm:grid-cols-2">
          <TextField
            id="invite-label"
            label="Label (optional)"
            value={label}
            onChange={(e) => setLabel(e.target.value)}
            maxLength={80}
            hint="For you, e.g. “Monday group”."
            error={fields.label}
          />
          <TextField
            id="invite-max-uses"
            label="Max uses (optional)"
            type="number"
            inputMode="numeric"
            min={1}
            max={10000}
            value={maxUses}
            onChange={(e) => setMaxUses(e.target.value)}
            hint="Empty: until the class is full."
            error={fields.maxUses}
          />
          <div>
            <TextField
              id="invite-days"
              label="Expires after (days)"
              type="number"
              inputMode="numeric"
              min={1}
              max={365}
              value={days}
              disabled={never}
              onChange={(e) => setDays(e.target.value)}
              error={fields.expiresInDays}
            />
            <label className="mt-2 flex items-center gap-2 text-sm">
              <input
                type="checkbox"
                checked={never}
                onChange={(e) => setNever(e.target.checked)}
                className="h-4 w-4"
                data-testid="invite-never"
              />
              Never expires
            </label>
          </div>
          <TextAreaField
            id="invite-allowed"
            label="Only for (optional)"
            rows={3}
            value={allowed}
            onChange={(e) => setAllowed(e.target.value)}
            hint="E-mail addresses (ana@school.org) or domains (@school.org), separated by commas or lines. Empty: anyone with the link."
            error={fields.allowed}
          />
          {error && (
            <Alert tone="error" className="sm:col-span-2" testId="invite-error">
              {error}
            </Alert>
          )}
          <div className="sm:col-span-2">
            <Button type="submit" pending={pending} pendingLabel="Creating…" data-testid="invite-create">
              Create invite link
            </Button>
          </div>
        </form>
        {created && (
          <div
            ref={createdRef}
            tabIndex={-1}
            className="rounded-md border border-amber-300 bg-amber-50 p-3 focus:outline-none"
            data-testid="invite-created"
          >
            <p className="text-sm font-medium text-amber-900" role="status">
              Invite link created{created.invite.label ? ` (${created.invite.label})` : ""}. Copy it now: it is shown
              only this once.
            </p>
            <div className="mt-2 flex flex-wrap items-center gap-2">
              <code
                className="min-w-0 select-all break-all rounded bg-white px-2 py-1 font-mono text-sm text-slate-900 ring-1 ring-amber-200"
                data-testid="invite-url"
              >
                {created.url}
              </code>
              <CopyButton text={created.url} label="Copy link" />
            </div>
            <Button size="sm" variant="ghost" className="mt-2" onClick={() => setCreated(null)}>
              Done, hide the link
            </Button>
          </div>
        )}
      </section>

      <section aria-labelledby="invites-heading" className="space-y-3">
        <h2 id="invites-heading" className="text-lg font-semibold">
          Invite links
        </h2>
        {loadError && (
          <Alert tone="error">
            Could not load the invite links: {loadError}{" "}
            <button type="button" className="font-medium underline" onClick={() => void load()}>
              Try again
            </button>
          </Alert>
        )}
        {items === null && !loadError && (
          <p role="status" className="text-sm text-slate-600">
            Loading…
          </p>
        )}
        {items !== null && items.length === 0 && (
          <EmptyState title="No invite links yet">Students join the class through an invite link.</EmptyState>
        )}
        {items !== null && items.length > 0 && (
          <ul
            className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white"
            data-testid="invites-list"
          >
            {items.map((inv) => {
              const s = STATUS[inv.status] ?? { label: inv.status, tone: "bg-slate-100 text-slate-700 ring-slate-200" };
              return (
                <li
                  key={inv.id}
                  className="flex flex-wrap items-start justify-between gap-3 px-3 py-3 text-sm"
                  data-testid={`invite-${inv.prefix}`}
                >
                  <div className="min-w-0 space-y-0.5">
                    <div className="flex flex-wrap items-center gap-2">
                      <span className="font-medium">{inv.label || "Invite link"}</span>
                      <code className="text-xs text-slate-500">{inv.prefix}…</code>
                      <span
                        className={`rounded px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${s.tone}`}
                        data-testid="invite-status"
                      >
                        {s.label}
                      </span>
                    </div>
                    <p className="text-xs text-slate-600">
                      Used {inv.uses}
                      {inv.maxUses !== null ? ` of ${inv.maxUses}` : ""} times ·{" "}
                      {inv.expiresAt ? `expires ${formatDate(inv.expiresAt)}` : "never expires"} · created{" "}
                      {formatDate(inv.createdAt)}
                      {inv.createdBy ? ` by ${inv.createdBy}` : ""}
                    </p>
                    {inv.allowed.length > 0 && (
                      <p className="break-words text-xs text-slate-600">Only for: {inv.allowed.join(", ")}</p>
                    )}
                  </div>
                  {inv.status === "active" && (
                    <Button
                      size="sm"
                      variant="secondary"
                      onClick={() => {
                        setRevokeError(null);
                        setRevoking(inv);
                      }}
                      aria-label={`Revoke invite link ${inv.label || inv.prefix}`}
                      data-testid="invite-revoke"
                    >
                      Revoke
                    </Button>
                  )}
                </li>
              );
            })}
          </ul>
        )}
      </section>

      <ConfirmDialog
        open={revoking !== null}
        title="Revoke this invite link?"
        confirmLabel="Revoke link"
        tone="danger"
        pending={revokePending}
        error={revokeError}
        onConfirm={() => void revoke()}
        onCancel={() => setRevoking(null)}
        testId="revoke-dialog"
      >
        <p>
          Nobody can join with {revoking?.label ? `“${revoking.label}”` : "this link"} any more. Students who already
          joined stay in the class.
        </p>
      </ConfirmDialog>
    </div>
  );
}
