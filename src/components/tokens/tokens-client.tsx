"use client";
// A person's API tokens: the create form (name, scopes, expiry), the new token shown once with a copy button,
// and the list with prefix, scopes, dates and last use; revoke asks first. Errors appear where the person acted:
// under the field, by the create button, in the revoke dialog or on the row.
import { useRef, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";
import { SelectField, TextField } from "@/components/ui/field";
import { api } from "@/lib/api";
import {
  EXPIRY_CHOICES,
  EXPIRY_DEFAULT,
  formatDate,
  formatDay,
  LastUsed,
  Prefix,
  RevokeExplanation,
  RevokeTokenDialog,
  SCOPES,
  ScopeBadges,
  StatusBadge,
  TokenNameCell,
  type TokenRow,
  type TokenScope,
  TokensTableFrame,
  timeLeft,
  useRevokeToken,
} from "./token-bits";

type Created = TokenRow & { token: string };

export function TokensClient({ initial, isAdmin }: { initial: TokenRow[]; isAdmin: boolean }) {
  const [tokens, setTokens] = useState(initial);
  const [created, setCreated] = useState<Created | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const { revoking, rowErrors, ask, dialog } = useRevokeToken<TokenRow>(
    (t) => `/api/me/tokens/${t.id}`,
    (row) => {
      setTokens((list) => list.map((t) => (t.id === row.id ? row : t)));
      setNote(`Revoked “${row.name}”: it no longer works.`);
      if (created?.id === row.id) setCreated(null);
    },
  );

  const active = tokens.filter((t) => t.status === "active");
  const inactive = tokens.filter((t) => t.status !== "active");

  return (
    <>
      <section aria-labelledby="new-token-heading" className="rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="new-token-heading" className="mb-3 font-semibold">
          New token
        </h2>
        {created && <NewTokenSecret created={created} onDone={() => setCreated(null)} />}
        <CreateTokenForm
          isAdmin={isAdmin}
          onCreated={(t) => {
            setCreated(t);
            setNote(null);
            const { token: _secret, ...row } = t;
            setTokens((list) => [row, ...list]);
          }}
        />
      </section>

      <section aria-labelledby="tokens-heading" className="space-y-3">
        <h2 id="tokens-heading" className="font-semibold">
          Your tokens
        </h2>
        {note && (
          <p role="status" className="text-sm text-green-700" data-testid="tokens-note">
            {note}
          </p>
        )}
        {active.length === 0 ? (
          <p
            className="rounded-lg border border-dashed border-slate-300 bg-white p-6 text-center text-sm text-slate-600"
            data-testid="no-tokens"
          >
            You have no active API tokens.
          </p>
        ) : (
          <TokenTable tokens={active} rowErrors={rowErrors} onRevoke={ask} />
        )}
        {inactive.length > 0 && (
          <details className="rounded-lg border border-slate-200 bg-white">
            <summary className="cursor-pointer px-3 py-2 text-sm font-medium text-slate-700">
              Revoked and expired tokens ({inactive.length})
            </summary>
            <TokenTable tokens={inactive} rowErrors={{}} testId="inactive-tokens-table" />
          </details>
        )}
      </section>

      <RevokeTokenDialog {...dialog} testId="revoke-token-dialog">
        {revoking && <RevokeExplanation name={revoking.name} owner={<Prefix prefix={revoking.prefix} />} />}
      </RevokeTokenDialog>
    </>
  );
}

function NewTokenSecret({ created, onDone }: { created: Created; onDone: () => void }) {
  return (
    <div className="mb-4 rounded-md border border-amber-300 bg-amber-50 p-3" data-testid="token-created">
      <p className="text-sm font-medium text-amber-900">
        Your new token “{created.name}” — copy it now. It is shown only this once; the portal keeps only a fingerprint
        and cannot show it again.
      </p>
      <div className="mt-2 flex flex-wrap items-center gap-2">
        <code
          data-testid="new-token-value"
          className="select-all break-all rounded bg-white px-2 py-1 font-mono text-sm text-slate-900 ring-1 ring-amber-200"
        >
          {created.token}
        </code>
        <CopyButton text={created.token} label="Copy token" />
      </div>
      <p className="mt-2 text-xs text-amber-900">
        Use it as <code className="font-mono">Authorization: Bearer {created.prefix}…</code>. Expires{" "}
        {formatDay(created.expiresAt)}. Keep it secret like a password; if it leaks, revoke it below.
      </p>
      <Button variant="secondary" size="sm" className="mt-2" onClick={onDone}>
        I have copied it
      </Button>
    </div>
  );
}

function CreateTokenForm({ isAdmin, onCreated }: { isAdmin: boolean; onCreated: (t: Created) => void }) {
  const nameRef = useRef<HTMLInputElement>(null);
  const [scopes, setScopes] = useState<Set<TokenScope>>(new Set(["read"]));
  const [days, setDays] = useState<number>(EXPIRY_DEFAULT);
  const [fields, setFields] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const offered = SCOPES.filter((s) => s.value !== "admin" || isAdmin);

  function toggle(scope: TokenScope, on: boolean) {
    setScopes((current) => {
      const next = new Set(current);
      if (on) next.add(scope);
      else next.delete(scope);
      return next;
    });
  }

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const name = String(new FormData(form).get("token-name") ?? "").trim();
    const clientErrors: Record<string, string> = {};
    if (!name) clientErrors.name = "Enter a name, for example the script or machine that will use the token.";
    else if (name.length > 80) clientErrors.name = "Use at most 80 characters.";
    if (scopes.size === 0) clientErrors.scopes = "Choose at least one scope.";
    setFields(clientErrors);
    setError(null);
    if (Object.keys(clientErrors).length) {
      requestAnimationFrame(() => form.querySelector<HTMLElement>("[aria-invalid=true]")?.focus());
      return;
    }
    setPending(true);
    const res = await api<Created>("/api/me/tokens", {
      method: "POST",
      json: { name, scopes: SCOPES.map((s) => s.value).filter((s) => scopes.has(s)), expiresInDays: days },
    });
    setPending(false);
    if (!res.ok) {
      const f = res.error.fields ?? {};
      setFields(f);
      // a message that belongs to a field is shown there; anything else by the button
      setError(Object.keys(f).some((k) => ["name", "scopes", "expiresInDays"].includes(k)) ? null : res.error.message);
      requestAnimationFrame(() => form.querySelector<HTMLElement>("[aria-invalid=true]")?.focus());
      return;
    }
    form.reset();
    setScopes(new Set(["read"]));
    setDays(EXPIRY_DEFAULT);
    onCreated(res.data);
    nameRef.current?.focus();
  }

  const expiresOn = new Date(Date.now() + days * 86_400_000).toISOString();
  return (
    <form
      onSubmit={onSubmit}
      noValidate
      aria-labelledby="new-token-heading"
      className="space-y-4"
      data-testid="new-token-form"
    >
      <div className="grid gap-3 sm:grid-cols-[1fr_12rem]">
        <TextField
          ref={nameRef}
          id="token-name"
          label="Name"
          placeholder="e.g. grading script"
          maxLength={80}
          autoComplete="off"
          required
          hint="What uses the token, so you recognise it later."
          error={fields.name}
        />
        <SelectField
          id="token-expiry"
          label="Expires after"
          value={days}
          onChange={(e) => setDays(Number(e.target.value))}
          hint={`On ${formatDay(expiresOn)}.`}
          error={fields.expiresInDays}
        >
          {EXPIRY_CHOICES.map((d) => (
            <option key={d} value={d}>
              {d} days{d === EXPIRY_DEFAULT ? " (default)" : ""}
            </option>
          ))}
        </SelectField>
      </div>
      <fieldset aria-describedby={fields.scopes ? "token-scopes-error" : undefined}>
        <legend className="text-sm font-medium text-slate-800">Scopes</legend>
        <div className="mt-1 space-y-1.5">
          {offered.map((s) => (
            <label key={s.value} className="flex items-start gap-2 text-sm">
              <input
                type="checkbox"
                name="token-scope"
                value={s.value}
                checked={scopes.has(s.value)}
                onChange={(e) => toggle(s.value, e.target.checked)}
                aria-invalid={fields.scopes ? true : undefined}
                className="mt-0.5"
                data-testid={`scope-${s.value}`}
              />
              <span>
                <span className="font-mono">{s.label}</span> <span className="text-slate-600">— {s.hint}</span>
              </span>
            </label>
          ))}
        </div>
        {fields.scopes && (
          <p id="token-scopes-error" className="mt-1 text-sm text-red-700" data-testid="token-scopes-error">
            {fields.scopes}
          </p>
        )}
      </fieldset>
      {error && <Alert tone="error">{error}</Alert>}
      <Button type="submit" pending={pending} pendingLabel="Creating…" data-testid="create-token">
        Create token
      </Button>
    </form>
  );
}

function TokenTable({
  tokens,
  rowErrors,
  onRevoke,
  testId = "tokens-table",
}: {
  tokens: TokenRow[];
  rowErrors: Record<string, string>;
  onRevoke?: (t: TokenRow) => void;
  testId?: string;
}) {
  const columns = [
    { label: "Token" },
    { label: "Scopes" },
    { label: "Created", hideBelow: "md" as const },
    { label: onRevoke ? "Expires" : "Status" },
    { label: "Last used" },
  ];
  return (
    <TokensTableFrame columns={onRevoke ? [...columns, { label: "Actions", srOnly: true }] : columns} testId={testId}>
      {tokens.map((t) => (
        <tr
          key={t.id}
          data-testid={`token-row-${t.name}`}
          className={t.status === "active" ? "align-top" : "bg-slate-50 align-top text-slate-500"}
        >
          <TokenNameCell token={t} error={rowErrors[t.id]} />
          <td className="px-3 py-2">
            <ScopeBadges scopes={t.scopes} />
          </td>
          <td className="hidden px-3 py-2 md:table-cell">{formatDate(t.createdAt)}</td>
          <td className="px-3 py-2">
            {t.status === "active" ? (
              <span title={formatDate(t.expiresAt)}>
                {formatDay(t.expiresAt)}
                <span className="block text-xs text-slate-500">{timeLeft(t.expiresAt)}</span>
              </span>
            ) : (
              <span>
                <StatusBadge status={t.status} />
                <span className="block text-xs">
                  {t.status === "revoked" ? formatDate(t.revokedAt) : formatDate(t.expiresAt)}
                </span>
              </span>
            )}
          </td>
          <td className="px-3 py-2">
            <LastUsed token={t} />
          </td>
          {onRevoke && (
            <td className="px-3 py-2 text-right">
              <Button
                variant="secondary"
                size="sm"
                onClick={() => onRevoke(t)}
                aria-label={`Revoke ${t.name}`}
                data-testid="revoke-token"
              >
                Revoke
              </Button>
            </td>
          )}
        </tr>
      ))}
    </TokensTableFrame>
  );
}
