"use client";

import { useEffect, useRef, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { SelectField, TextField } from "@/components/ui/field";
import { OneTimeSecret } from "@/components/ui/one-time-secret";
import { api } from "@/lib/api";
import { ROLE_LABELS, ROLES, type UserRow } from "./types";

type Created = UserRow & { temporaryPassword?: string };

export function NewUserForm({ onCreated, focusKey }: { onCreated: (user: Created) => void; focusKey: number }) {
  const emailRef = useRef<HTMLInputElement>(null);
  const [fields, setFields] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const [created, setCreated] = useState<Created | null>(null);

  // biome-ignore lint/correctness/useExhaustiveDependencies: focus again each time the panel is (re)opened
  useEffect(() => {
    emailRef.current?.focus();
  }, [focusKey]);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const input = {
      email: String(data.get("new-email") ?? ""),
      name: String(data.get("new-name") ?? ""),
      role: String(data.get("new-role") ?? "STUDENT"),
      password: String(data.get("new-password") ?? "") || undefined,
    };
    const clientErrors: Record<string, string> = {};
    if (!input.email.trim()) clientErrors.email = "Enter an email address.";
    if (!input.name.trim()) clientErrors.name = "Enter a name.";
    if (input.password && input.password.length < 10) clientErrors.password = "Use at least 10 characters.";
    setFields(clientErrors);
    setError(null);
    if (Object.keys(clientErrors).length) {
      form.querySelector<HTMLElement>("[aria-invalid=true]")?.focus();
      return;
    }
    setPending(true);
    const res = await api<Created>("/api/admin/users", { method: "POST", json: input });
    setPending(false);
    if (!res.ok) {
      setFields(res.error.fields ?? {});
      setError(
        res.error.fields && Object.keys(res.error.fields).length
          ? "Please correct the marked fields."
          : res.error.message,
      );
      requestAnimationFrame(() => form.querySelector<HTMLElement>("[aria-invalid=true]")?.focus());
      return;
    }
    setCreated(res.data);
    form.reset();
    emailRef.current?.focus();
    onCreated(res.data);
  }

  return (
    <div className="space-y-4">
      {created && (
        <div className="space-y-2" data-testid="user-created">
          <Alert tone="success">
            Created {ROLE_LABELS[created.role].toLowerCase()} <strong>{created.email}</strong>.
          </Alert>
          {created.temporaryPassword && (
            <OneTimeSecret
              label={`Temporary password for ${created.email}`}
              value={created.temporaryPassword}
              testId="temporary-password"
            />
          )}
          <Button variant="secondary" size="sm" onClick={() => setCreated(null)}>
            Done
          </Button>
        </div>
      )}
      <form onSubmit={onSubmit} noValidate aria-labelledby="new-user-heading" className="grid gap-3 sm:grid-cols-2">
        <TextField
          ref={emailRef}
          id="new-email"
          label="Email"
          type="email"
          autoComplete="off"
          required
          error={fields.email}
        />
        <TextField id="new-name" label="Name" autoComplete="off" required error={fields.name} />
        <SelectField id="new-role" label="Role" defaultValue="STUDENT" error={fields.role}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {ROLE_LABELS[r]}
            </option>
          ))}
        </SelectField>
        <TextField
          id="new-password"
          label="Password (optional)"
          type="password"
          autoComplete="new-password"
          hint="Leave empty to generate a temporary password. Either way, the user chooses their own at first sign-in."
          error={fields.password}
        />
        {error && (
          <Alert tone="error" className="sm:col-span-2">
            {error}
          </Alert>
        )}
        <div className="sm:col-span-2">
          <Button type="submit" pending={pending} pendingLabel="Creating…" data-testid="create-user-submit">
            Create user
          </Button>
        </div>
      </form>
    </div>
  );
}
