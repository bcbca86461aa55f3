"use client";

// Co-owners: other teachers with the same rights as the owner. Add one by e-mail address, remove one (asked first).
import { useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/dialog";
import { TextField } from "@/components/ui/field";
import { api } from "@/lib/api";
import { focusFirstInvalid } from "@/lib/focus";
import type { ClassRow } from "./types";

type Person = ClassRow["coOwners"][number];

export function CoOwnersSection({
  cls,
  onChanged,
  userId,
  role,
}: {
  cls: ClassRow;
  onChanged: (c: ClassRow) => void;
  userId: string;
  role: string;
}) {
  const base = `/api/classes/${encodeURIComponent(cls.id)}/co-owners`;
  const [email, setEmail] = useState("");
  const [fieldError, setFieldError] = useState<string | undefined>();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const [removing, setRemoving] = useState<Person | null>(null);
  const [removePending, setRemovePending] = useState(false);
  const [removeError, setRemoveError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    setError(null);
    setFieldError(undefined);
    setNotice(null);
    if (!email.trim()) {
      setFieldError("Enter the teacher's e-mail address.");
      focusFirstInvalid(form);
      return;
    }
    setPending(true);
    const res = await api<ClassRow>(base, { method: "POST", json: { email } });
    setPending(false);
    if (!res.ok) {
      if (res.error.fields?.email) setFieldError(res.error.fields.email);
      else setError(res.error.message);
      focusFirstInvalid(form);
      return;
    }
    onChanged(res.data);
    setNotice(`${email.trim()} is now a co-owner.`);
    setEmail("");
  }

  async function remove() {
    if (!removing) return;
    setRemovePending(true);
    setRemoveError(null);
    const res = await api<null>(`${base}/${encodeURIComponent(removing.id)}`, { method: "DELETE" });
    setRemovePending(false);
    if (!res.ok) {
      setRemoveError(res.error.message);
      return;
    }
    onChanged({ ...cls, coOwners: cls.coOwners.filter((c) => c.id !== removing.id) });
    setNotice(`${removing.name} is no longer a co-owner.`);
    setRemoving(null);
    if (removing.id === userId && role !== "ADMIN") window.location.assign("/classes");
  }

  return (
    <div className="space-y-6">
      <section aria-labelledby="owners-heading" className="space-y-3">
        <h2 id="owners-heading" className="text-lg font-semibold">
          Teachers of this class
        </h2>
        <p className="text-sm text-slate-600">
          Co-owners have the same rights as the owner: roster, invites, publish, settings, archive and delete.
        </p>
        {notice && <Alert tone="success">{notice}</Alert>}
        <ul
          className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white text-sm"
          data-testid="co-owners-list"
        >
          <li className="flex flex-wrap items-center justify-between gap-2 px-3 py-2">
            <span>
              <span className="font-medium">{cls.owner.name}</span>{" "}
              <span className="text-slate-500">{cls.owner.email}</span>
            </span>
            <span className="text-xs uppercase tracking-wide text-slate-500">Owner</span>
          </li>
          {cls.coOwners.map((p) => (
            <li key={p.id} className="flex flex-wrap items-center justify-between gap-2 px-3 py-2">
              <span>
                <span className="font-medium">{p.name}</span> <span className="text-slate-500">{p.email}</span>
              </span>
              <Button
                size="sm"
                variant="secondary"
                onClick={() => {
                  setRemoveError(null);
                  setRemoving(p);
                }}
                aria-label={`Remove ${p.name} as co-owner`}
              >
                Remove
              </Button>
            </li>
          ))}
        </ul>
      </section>
      <form
        onSubmit={onSubmit}
        noValidate
        aria-label="Add a co-owner"
        className="flex flex-wrap items-end gap-2 rounded-lg border border-slate-200 bg-white p-4"
      >
        <TextField
          id="co-owner-email"
          label="Teacher's e-mail address"
          type="email"
          autoComplete="off"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={fieldError}
          className="min-w-0 flex-1 basis-64"
        />
        <Button type="submit" pending={pending} pendingLabel="Adding…">
          Add co-owner
        </Button>
        {error && (
          <Alert tone="error" className="basis-full">
            {error}
          </Alert>
        )}
      </form>
      <ConfirmDialog
        open={removing !== null}
        title={removing ? `Remove ${removing.name}?` : ""}
        confirmLabel="Remove co-owner"
        tone="danger"
        pending={removePending}
        error={removeError}
        onConfirm={() => void remove()}
        onCancel={() => setRemoving(null)}
        testId="co-owner-dialog"
      >
        <p>
          {removing?.id === userId
            ? "You will no longer be able to manage this class."
            : `${removing?.name} will no longer be able to manage this class.`}
        </p>
      </ConfirmDialog>
    </div>
  );
}
