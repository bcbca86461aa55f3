"use client";

// The class's settings (PATCH), archive / restore, and delete. Delete names how many machines go with the class
// (students' machines + pool + the teacher's machine, counted from the roster) and sends that number as
// confirmMachines, so the server refuses when the class changed meanwhile.
import { useState } from "react";
import { JobProgress } from "@/components/machines/job-progress";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/dialog";
import { api } from "@/lib/api";
import { focusFirstInvalid } from "@/lib/focus";
import { ClassSettingsFields } from "./settings-fields";
import { type ClassRow, type JobView, type Roster, type SettingsForm, settingsBody, settingsFrom } from "./types";

export function machinesToRemove(roster: Roster): number {
  return roster.items.filter((r) => r.machine).length + roster.pool.length + (roster.teacherMachine ? 1 : 0);
}

type Props = { cls: ClassRow; roster: Roster | null; onChanged: (c: ClassRow) => void; onDeleted: () => void };

export function SettingsSection({ cls, roster, onChanged, onDeleted }: Props) {
  const base = `/api/classes/${encodeURIComponent(cls.id)}`;
  const [form, setForm] = useState<SettingsForm>(() => settingsFrom(cls));
  const [fields, setFields] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [pending, setPending] = useState(false);
  const [asking, setAsking] = useState<"archive" | "delete" | null>(null);
  const [dialogPending, setDialogPending] = useState(false);
  const [dialogError, setDialogError] = useState<string | null>(null);
  const [deleteJob, setDeleteJob] = useState<JobView | null>(null);
  const archived = cls.archivedAt !== null;
  // the server's own count when it refused ours (a kept machine, one created meanwhile): asked again with it
  const [serverCount, setServerCount] = useState<number | null>(null);
  const count = serverCount ?? (roster ? machinesToRemove(roster) : null);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formEl = event.currentTarget;
    setPending(true);
    setError(null);
    setSaved(false);
    const res = await api<ClassRow>(base, { method: "PATCH", json: settingsBody(form) });
    setPending(false);
    if (!res.ok) {
      const f = res.error.fields ?? {};
      setFields(f);
      setError(Object.keys(f).length ? "Please correct the marked fields." : res.error.message);
      focusFirstInvalid(formEl);
      return;
    }
    setFields({});
    setSaved(true);
    onChanged(res.data);
    setForm(settingsFrom(res.data));
  }

  async function confirm() {
    setDialogPending(true);
    setDialogError(null);
    if (asking === "archive") {
      const res = await api<ClassRow>(`${base}/archive`, { method: "POST", json: { archived: !archived } });
      setDialogPending(false);
      if (!res.ok) {
        setDialogError(res.error.message);
        return;
      }
      onChanged(res.data);
      setAsking(null);
      return;
    }
    if (asking === "delete" && count !== null) {
      const res = await api<{ job: JobView | null }>(`${base}?confirmMachines=${count}`, { method: "DELETE" });
      setDialogPending(false);
      if (!res.ok) {
        const told = Number(res.error.fields?.confirmMachines);
        if (res.error.status === 409 && Number.isInteger(told) && told !== count) {
          setServerCount(told);
          setDialogError(`${res.error.message} Check the number above and confirm again.`);
        } else {
          setDialogError(res.error.message);
        }
        return;
      }
      setAsking(null);
      if (res.data?.job) setDeleteJob(res.data.job);
      else onDeleted();
    }
  }

  return (
    <div className="space-y-6">
      <section aria-labelledby="settings-heading" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="settings-heading" className="text-lg font-semibold">
          Settings
        </h2>
        <form onSubmit={onSubmit} noValidate aria-labelledby="settings-heading" className="grid gap-3 sm:grid-cols-2">
          <ClassSettingsFields idPrefix="class-settings" value={form} onChange={setForm} fields={fields} />
          {error && (
            <Alert tone="error" className="sm:col-span-2" testId="settings-error">
              {error}
            </Alert>
          )}
          {saved && (
            <Alert tone="success" className="sm:col-span-2">
              Saved.
            </Alert>
          )}
          <div className="sm:col-span-2">
            <Button type="submit" pending={pending} pendingLabel="Saving…" data-testid="settings-save">
              Save settings
            </Button>
          </div>
        </form>
      </section>

      <section aria-labelledby="archive-heading" className="space-y-2 rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="archive-heading" className="font-semibold">
          {archived ? "Restore" : "Archive"}
        </h2>
        <p className="text-sm text-slate-600">
          {archived
            ? "Restoring makes the class usable again: students can start their machines and active invite links work."
            : "Archiving stops the class's machines and its invite links stop working. Nothing is deleted; you can restore it."}
        </p>
        <Button
          variant="secondary"
          onClick={() => {
            setDialogError(null);
            setAsking("archive");
          }}
          data-testid="class-archive"
        >
          {archived ? "Restore class" : "Archive class"}
        </Button>
      </section>

      <section aria-labelledby="delete-heading" className="space-y-2 rounded-lg border border-red-200 bg-white p-4">
        <h2 id="delete-heading" className="font-semibold text-red-800">
          Delete class
        </h2>
        <p className="text-sm text-slate-600">
          The class, its invite links and all its machines are removed. This cannot be undone.
        </p>
        <Button
          variant="danger"
          disabled={count === null}
          onClick={() => {
            setDialogError(null);
            setServerCount(null);
            setAsking("delete");
          }}
          data-testid="class-delete"
        >
          Delete class…
        </Button>
        {deleteJob && (
          <div className="space-y-2">
            <JobProgress initial={deleteJob} onFinished={() => onDeleted()} />
          </div>
        )}
      </section>

      <ConfirmDialog
        open={asking === "archive"}
        title={archived ? `Restore ${cls.name}?` : `Archive ${cls.name}?`}
        confirmLabel={archived ? "Restore" : "Archive"}
        pending={dialogPending}
        error={dialogError}
        onConfirm={() => void confirm()}
        onCancel={() => setAsking(null)}
        testId="archive-dialog"
      >
        <p>
          {archived
            ? "Students get access to their machines again."
            : "Running machines of the class are stopped and nobody can join."}
        </p>
      </ConfirmDialog>

      <ConfirmDialog
        open={asking === "delete"}
        title={`Delete ${cls.name}?`}
        confirmLabel={count === 1 ? "Delete class and 1 machine" : `Delete class and ${count ?? 0} machines`}
        tone="danger"
        pending={dialogPending}
        error={dialogError}
        onConfirm={() => void confirm()}
        onCancel={() => setAsking(null)}
        testId="delete-dialog"
      >
        <p data-testid="delete-count">
          {count === 0 ? (
            "The class has no machines."
          ) : (
            <>
              <strong>
                {count} machine{count === 1 ? "" : "s"}
              </strong>{" "}
              will be removed with everything on {count === 1 ? "it" : "them"}
              {roster &&
                serverCount === null &&
                ` (${roster.items.filter((r) => r.machine).length} of students, ${roster.pool.length} in the pool${roster.teacherMachine ? ", the teacher's machine" : ""})`}
              .
            </>
          )}
        </p>
        <p>The students lose access to the class. This cannot be undone.</p>
      </ConfirmDialog>
    </div>
  );
}
