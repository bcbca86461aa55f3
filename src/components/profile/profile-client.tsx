"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { signOut } from "next-auth/react";
import { useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { api } from "@/lib/api";
import type { TMe } from "@/server/users/routes";

const ROLE_LABELS: Record<TMe["role"], string> = { ADMIN: "Administrator", TEACHER: "Teacher", STUDENT: "Student" };

function formatDate(iso: string | null): string {
  return iso ? new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" }) : "Never";
}

export function ProfileClient({ initial, next = "/profile" }: { initial: TMe; next?: string }) {
  const [me, setMe] = useState(initial);
  return (
    <div className="max-w-2xl space-y-6">
      <h1 className="text-2xl font-semibold">Profile</h1>
      {me.mustChangePassword && (
        <Alert tone="warning">Your password was set by an administrator. Please choose your own password below.</Alert>
      )}
      <section aria-labelledby="account-heading" className="rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="account-heading" className="mb-3 font-semibold">
          Account
        </h2>
        <dl className="grid gap-x-4 gap-y-2 text-sm sm:grid-cols-[10rem_1fr]">
          <dt className="text-slate-500">Email</dt>
          <dd className="break-all" data-testid="profile-email">
            {me.email}
          </dd>
          <dt className="text-slate-500">Role</dt>
          <dd data-testid="profile-role">{ROLE_LABELS[me.role]}</dd>
          <dt className="text-slate-500">Last sign-in</dt>
          <dd>{formatDate(me.lastLoginAt)}</dd>
          <dt className="text-slate-500">Member since</dt>
          <dd>{formatDate(me.createdAt)}</dd>
        </dl>
        <NameForm me={me} onSaved={setMe} />
      </section>
      <section aria-labelledby="password-heading" className="rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="password-heading" className="mb-1 font-semibold">
          Change password
        </h2>
        <p className="mb-3 text-sm text-slate-600">
          After the change you are signed out everywhere and sign in again with the new password.
        </p>
        <PasswordForm email={me.email} next={next} />
      </section>
      <section aria-labelledby="tokens-heading" className="rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="tokens-heading" className="mb-1 font-semibold">
          API tokens
        </h2>
        <p className="mb-3 text-sm text-slate-600">
          Personal tokens let scripts and tools use the portal&apos;s API as you, limited to the scopes you choose.
        </p>
        <Link
          href="/profile/tokens"
          className="text-sm font-medium text-brand-700 hover:underline"
          data-testid="profile-tokens-link"
        >
          Manage API tokens →
        </Link>
      </section>
    </div>
  );
}

function NameForm({ me, onSaved }: { me: TMe; onSaved: (me: TMe) => void }) {
  const router = useRouter();
  const [name, setName] = useState(me.name);
  const [fieldError, setFieldError] = useState<string | undefined>();
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSaved(false);
    setError(null);
    if (!name.trim()) {
      setFieldError("Enter a name.");
      return;
    }
    setFieldError(undefined);
    setPending(true);
    const res = await api<TMe>("/api/me", { method: "PATCH", json: { name } });
    setPending(false);
    if (!res.ok) {
      setFieldError(res.error.fields?.name);
      if (!res.error.fields?.name) setError(res.error.message);
      return;
    }
    onSaved(res.data);
    setName(res.data.name);
    setSaved(true);
    router.refresh(); // the name in the navigation comes from the server
  }

  return (
    <form onSubmit={onSubmit} noValidate className="mt-4 space-y-3 border-t border-slate-100 pt-4">
      <TextField
        id="profile-name"
        label="Display name"
        value={name}
        autoComplete="name"
        onChange={(e) => {
          setName(e.target.value);
          setSaved(false);
        }}
        error={fieldError}
        required
      />
      {error && <Alert tone="error">{error}</Alert>}
      <div className="flex flex-wrap items-center gap-3">
        <Button
          type="submit"
          pending={pending}
          pendingLabel="Saving…"
          disabled={name.trim() === me.name}
          data-testid="profile-name-save"
        >
          Save name
        </Button>
        {saved && (
          <span role="status" className="text-sm text-green-700">
            Saved.
          </span>
        )}
      </div>
    </form>
  );
}

function PasswordForm({ email, next }: { email: string; next: string }) {
  const [fields, setFields] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const [done, setDone] = useState(false);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const currentPassword = String(data.get("current-password") ?? "");
    const newPassword = String(data.get("new-password") ?? "");
    const confirm = String(data.get("confirm-password") ?? "");
    const errors: Record<string, string> = {};
    if (!currentPassword) errors.currentPassword = "Enter your current password.";
    if (newPassword.length < 10) errors.newPassword = "Use at least 10 characters.";
    else if (newPassword === currentPassword) errors.newPassword = "Choose a password different from your current one.";
    if (!errors.newPassword && confirm !== newPassword) errors.confirm = "The two new passwords do not match.";
    setFields(errors);
    setError(null);
    if (Object.keys(errors).length) {
      requestAnimationFrame(() => form.querySelector<HTMLElement>("[aria-invalid=true]")?.focus());
      return;
    }
    setPending(true);
    const res = await api<null>("/api/me/password", { method: "POST", json: { currentPassword, newPassword } });
    if (!res.ok) {
      setPending(false);
      setFields(res.error.fields ?? {});
      if (!res.error.fields || Object.keys(res.error.fields).length === 0) setError(res.error.message);
      requestAnimationFrame(() => form.querySelector<HTMLElement>("[aria-invalid=true]")?.focus());
      return;
    }
    setDone(true);
    form.reset();
    // Every session ended with the change, this one too: sign in again with the new password.
    setTimeout(() => void signOut({ callbackUrl: `/login?changed=1&next=${encodeURIComponent(next)}` }), 1500);
  }

  if (done) {
    return (
      <Alert tone="success" testId="password-changed">
        Password changed — please sign in again. Your API tokens were revoked and your open consoles closed. Taking you
        to the sign-in page…
      </Alert>
    );
  }

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-3">
      {/* Helps password managers file the new password under the right account. */}
      <input type="text" name="username" autoComplete="username" value={email} readOnly hidden />
      <TextField
        id="current-password"
        label="Current password"
        type="password"
        autoComplete="current-password"
        required
        error={fields.currentPassword}
      />
      <TextField
        id="new-password"
        label="New password"
        type="password"
        autoComplete="new-password"
        required
        hint="At least 10 characters. A few unrelated words make a strong, memorable password."
        error={fields.newPassword}
      />
      <TextField
        id="confirm-password"
        label="Confirm new password"
        type="password"
        autoComplete="new-password"
        required
        error={fields.confirm}
      />
      {error && <Alert tone="error">{error}</Alert>}
      <Button type="submit" pending={pending} pendingLabel="Changing…" data-testid="change-password-submit">
        Change password
      </Button>
    </form>
  );
}
