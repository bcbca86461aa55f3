"use client";

import { useState } from "react";
import { EmptyState } from "@/components/empty-state";
import { SignInHint } from "@/components/labs/sign-in-hint";
import { LiveStatusNote } from "@/components/live-status-note";
import { Alert, RetryAlert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/dialog";
import { FormPanel, OpenPanelButton, PageHeader, usePanel } from "@/components/ui/panel";
import { useLatestItems } from "@/hooks/use-latest-request";
import { useLiveEvents } from "@/hooks/use-live-events";
import { api } from "@/lib/api";
import { ImageUpload } from "./image-upload";
import { IsoInstall } from "./iso-install";
import { TemplateForm } from "./template-form";
import {
  CONSOLE_LABEL,
  formatBytes,
  formatMemory,
  type Role,
  STATUS_CLASS,
  STATUS_LABEL,
  type TemplateRow,
} from "./types";

const byName = (a: TemplateRow, b: TemplateRow) => a.name.localeCompare(b.name);
type Open = { id: string; what: "edit" | "upload" | "iso" } | null;
type NewStep = { step: "form" } | { step: "upload"; template: TemplateRow } | { step: "done"; template: TemplateRow };

export function TemplatesClient({ role, uploadMaxMb }: { role: Role; uploadMaxMb: number }) {
  const {
    items: templates,
    error,
    reload: load,
    upsert,
    remove,
  } = useLatestItems<TemplateRow>("/api/templates", { order: byName });
  const newPanel = usePanel();
  const [newStep, setNewStep] = useState<NewStep>({ step: "form" });
  const [open, setOpen] = useState<Open>(null);
  const [notes, setNotes] = useState<Record<string, string>>({});
  const [deleting, setDeleting] = useState<TemplateRow | null>(null);
  const [deletePending, setDeletePending] = useState(false);
  const [deleteError, setDeleteError] = useState<string | null>(null);

  useLiveEvents(["template.updated", "live.reconnected"], (data, type) => {
    if (type === "live.reconnected") {
      void load();
      return;
    }
    const id = (data as { id?: unknown } | null)?.id;
    if (typeof id !== "string") return;
    void (async () => {
      const res = await api<TemplateRow>(`/api/templates/${encodeURIComponent(id)}`);
      if (res.ok) upsert(res.data);
      else if (res.error.status === 404) remove(id);
    })();
  });

  function openNew() {
    newPanel.show();
    setNewStep({ step: "form" });
  }

  function created(row: TemplateRow) {
    upsert(row);
    setNewStep(row.kind === "LIBVIRT" ? { step: "upload", template: row } : { step: "done", template: row });
  }

  function note(id: string, text: string) {
    setNotes((n) => ({ ...n, [id]: text }));
  }

  /** From the new-template panel: continue this draft on its card with "Install from an ISO". */
  function installInstead(row: TemplateRow) {
    newPanel.hide();
    setOpen({ id: row.id, what: "iso" });
    requestAnimationFrame(() => {
      const title = document.querySelector<HTMLElement>(`[data-iso-install-title="${CSS.escape(row.id)}"]`);
      title?.scrollIntoView({ block: "center" });
      title?.focus({ preventScroll: true });
    });
  }

  async function confirmDelete() {
    if (!deleting) return;
    setDeletePending(true);
    setDeleteError(null);
    const res = await api<null>(`/api/templates/${encodeURIComponent(deleting.id)}`, { method: "DELETE" });
    setDeletePending(false);
    if (!res.ok) {
      setDeleteError(res.error.message);
      return;
    }
    remove(deleting.id);
    setDeleting(null);
  }

  return (
    <div className="space-y-6">
      <PageHeader
        title="Templates"
        description={`What machines are made from.${role === "TEACHER" ? " You see the ready templates and your own." : ""}`}
      >
        <OpenPanelButton
          panel={{ open: newPanel.open, show: openNew }}
          controls="new-template-panel"
          data-testid="new-template-open"
        >
          New template
        </OpenPanelButton>
      </PageHeader>

      {newPanel.open && (
        <FormPanel
          id="new-template-panel"
          title={newStep.step === "upload" ? `Step 2 of 2: upload the disk image` : "New template"}
          closeLabel="Close the new template panel"
          onClose={newPanel.hide}
        >
          {newStep.step === "form" && <TemplateForm onSaved={created} focusKey={newPanel.focusKey} />}
          {newStep.step === "upload" && (
            <div className="space-y-3">
              <Alert tone="info">
                Draft <strong>{newStep.template.name}</strong> saved. Upload its disk image to make it ready; you can
                also do this later from its card.
              </Alert>
              <ImageUpload
                template={newStep.template}
                maxMb={uploadMaxMb}
                onUploaded={(row) => {
                  upsert(row);
                  setNewStep({ step: "done", template: row });
                }}
              />
              <p className="text-sm text-slate-600">
                No disk image yet?{" "}
                <button
                  type="button"
                  className="font-medium text-brand-700 underline"
                  onClick={() => installInstead(newStep.template)}
                  data-testid="new-template-iso"
                >
                  Install from an ISO instead
                </button>
              </p>
            </div>
          )}
          {newStep.step === "done" && (
            <div className="space-y-3">
              <Alert tone="success" testId="template-created">
                Template <strong>{newStep.template.name}</strong> is{" "}
                {newStep.template.status === "READY" ? "ready" : STATUS_LABEL[newStep.template.status].toLowerCase()}.
                {newStep.template.status === "READY" && " Machines can now be made from it."}
              </Alert>
              <div className="flex flex-wrap gap-2">
                <Button variant="secondary" onClick={openNew}>
                  Create another
                </Button>
                <Button variant="ghost" onClick={newPanel.hide}>
                  Done
                </Button>
              </div>
            </div>
          )}
        </FormPanel>
      )}

      <LiveStatusNote />
      {error && <RetryAlert onRetry={load}>{error}</RetryAlert>}
      {!templates && !error && (
        <p role="status" className="text-sm text-slate-600">
          Loading templates…
        </p>
      )}
      {templates && templates.length === 0 && (
        <EmptyState title="No templates yet">
          A Docker template names an image on the Docker hosts; a VM template gets a disk image you upload.
        </EmptyState>
      )}

      {templates && templates.length > 0 && (
        <ul className="grid gap-4 lg:grid-cols-2" data-testid="templates-list">
          {templates.map((t) => {
            const isOpen = open?.id === t.id ? open.what : null;
            const canUpload = t.kind === "LIBVIRT" && t.canEdit && t.machines === 0 && t.status !== "UPLOADING";
            // Installing from an ISO is for a VM template without a disk image; a running installation stays shown.
            const installing = t.kind === "LIBVIRT" && (t.installMachineId !== null || t.status === "INSTALLING");
            const canIso = t.kind === "LIBVIRT" && t.canEdit && !t.imageFormat && !installing;
            const showIso = t.kind === "LIBVIRT" && t.canEdit && (installing || (isOpen === "iso" && canIso));
            return (
              <li
                key={t.id}
                className="min-w-0 rounded-lg border border-slate-200 bg-white p-4"
                data-testid={`template-card-${t.name}`}
              >
                <div className="flex flex-wrap items-start justify-between gap-2">
                  <div className="min-w-0">
                    <h2 className="font-semibold break-words text-slate-900">{t.name}</h2>
                    <p className="text-sm text-slate-600">{t.kind === "DOCKER" ? "Docker container" : "libvirt VM"}</p>
                  </div>
                  <span
                    className={`inline-block whitespace-nowrap rounded px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${STATUS_CLASS[t.status]}`}
                    data-testid="template-status"
                  >
                    {STATUS_LABEL[t.status]}
                  </span>
                </div>
                {t.statusDetail && <p className="mt-1 text-sm break-words text-slate-700">{t.statusDetail}</p>}
                {t.description && <p className="mt-2 text-sm whitespace-pre-line text-slate-700">{t.description}</p>}

                <dl className="mt-3 grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm">
                  <dt className="text-slate-500">Image</dt>
                  <dd className="min-w-0 break-words">
                    {t.kind === "DOCKER" ? (
                      <>
                        <code className="font-mono text-xs">{t.dockerImage}</code>
                        {t.dockerCommand && t.dockerCommand.length > 0 && (
                          <div className="font-mono text-xs text-slate-600">$ {t.dockerCommand.join(" ")}</div>
                        )}
                      </>
                    ) : t.imageFormat ? (
                      `${t.imageFormat}${t.imageBytes !== null ? `, ${formatBytes(t.imageBytes)}` : ""}`
                    ) : (
                      <span className="text-slate-500">No image yet</span>
                    )}
                  </dd>
                  <dt className="text-slate-500">Size</dt>
                  <dd>
                    {t.vcpus} vCPU · {formatMemory(t.memoryMb)} RAM · {t.diskGb} GB disk ·{" "}
                    {t.osType === "WINDOWS" ? "Windows" : "Linux"}
                  </dd>
                  <dt className="text-slate-500">Consoles</dt>
                  <dd className="flex flex-wrap gap-1">
                    {t.consoleKinds.map((k) => (
                      <span key={k} className="rounded bg-slate-100 px-1.5 py-0.5 text-xs font-medium text-slate-700">
                        {CONSOLE_LABEL[k] ?? k}
                      </span>
                    ))}
                    {t.consoleKinds.includes("ssh") && (
                      <span className="text-xs text-slate-500">
                        SSH {t.sshUser ? `${t.sshUser}@` : ""}port {t.sshPort}
                      </span>
                    )}
                    {t.consoleKinds.includes("rdp") && (
                      <span className="text-xs text-slate-500">RDP port {t.rdpPort}</span>
                    )}
                  </dd>
                  {(t.consoleKinds.includes("ssh") || t.consoleKinds.includes("rdp")) && (
                    <>
                      <dt className="text-slate-500">Sign-in</dt>
                      <dd>
                        <SignInHint sshUser={t.sshUser} consoleKinds={t.consoleKinds} />
                      </dd>
                    </>
                  )}
                  {t.keepDataDisk && (
                    <>
                      <dt className="text-slate-500">Data disk</dt>
                      <dd>Kept across reverts</dd>
                    </>
                  )}
                  <dt className="text-slate-500">Owner</dt>
                  <dd>{t.owner?.name ?? "—"}</dd>
                  <dt className="text-slate-500">Machines</dt>
                  <dd data-testid="template-machines">{t.machines}</dd>
                </dl>

                {t.canEdit && (
                  <div className="mt-3 flex flex-wrap gap-1.5">
                    <Button
                      size="sm"
                      variant="secondary"
                      aria-expanded={isOpen === "edit"}
                      onClick={() => setOpen(isOpen === "edit" ? null : { id: t.id, what: "edit" })}
                      aria-label={`Edit ${t.name}`}
                    >
                      Edit
                    </Button>
                    {t.kind === "LIBVIRT" && (
                      <Button
                        size="sm"
                        variant="secondary"
                        disabled={!canUpload}
                        title={
                          canUpload
                            ? undefined
                            : t.status === "UPLOADING"
                              ? "An upload is running."
                              : installing
                                ? "An installation from an ISO is running; convert it to make the template ready."
                                : "Machines use this template's image. Create a new template instead."
                        }
                        aria-expanded={isOpen === "upload"}
                        onClick={() => setOpen(isOpen === "upload" ? null : { id: t.id, what: "upload" })}
                        aria-label={`${t.imageFormat ? "Replace the image of" : "Upload the image of"} ${t.name}`}
                      >
                        {t.imageFormat ? "Replace image" : "Upload image"}
                      </Button>
                    )}
                    {canIso && (
                      <Button
                        size="sm"
                        variant="secondary"
                        disabled={t.status === "UPLOADING"}
                        title={t.status === "UPLOADING" ? "An upload is running." : undefined}
                        aria-expanded={isOpen === "iso"}
                        onClick={() => setOpen(isOpen === "iso" ? null : { id: t.id, what: "iso" })}
                        aria-label={`Install from an ISO: ${t.name}`}
                        data-testid="template-iso-open"
                      >
                        Install from an ISO
                      </Button>
                    )}
                    <Button
                      size="sm"
                      variant="danger"
                      onClick={() => {
                        setDeleteError(null);
                        setDeleting(t);
                      }}
                      aria-label={`Delete ${t.name}`}
                    >
                      Delete
                    </Button>
                  </div>
                )}
                {notes[t.id] && (
                  <p role="status" className="mt-2 text-sm text-green-700">
                    {notes[t.id]}
                  </p>
                )}
                {isOpen === "edit" && (
                  <div className="mt-4 border-t border-slate-200 pt-4">
                    <TemplateForm
                      template={t}
                      onCancel={() => setOpen(null)}
                      onSaved={(row) => {
                        upsert(row);
                        setOpen(null);
                        note(row.id, "Saved.");
                      }}
                    />
                  </div>
                )}
                {showIso && (
                  <div className="mt-4 border-t border-slate-200 pt-4">
                    <IsoInstall
                      template={t}
                      maxMb={uploadMaxMb}
                      onChange={upsert}
                      onConverted={(row) => {
                        upsert(row);
                        if (open?.id === row.id) setOpen(null);
                        note(
                          row.id,
                          `Converted: the installed disk is now the template's image. The template is ${row.status === "READY" ? "ready" : STATUS_LABEL[row.status].toLowerCase()}.`,
                        );
                      }}
                    />
                  </div>
                )}
                {isOpen === "upload" && (
                  <div className="mt-4 border-t border-slate-200 pt-4">
                    <ImageUpload
                      template={t}
                      maxMb={uploadMaxMb}
                      onUploaded={(row) => {
                        upsert(row);
                        note(row.id, "Image uploaded and checked.");
                      }}
                    />
                  </div>
                )}
              </li>
            );
          })}
        </ul>
      )}

      <ConfirmDialog
        open={deleting !== null}
        title={deleting ? `Delete template ${deleting.name}?` : ""}
        confirmLabel="Delete template"
        tone="danger"
        pending={deletePending}
        error={deleteError}
        onConfirm={() => void confirmDelete()}
        onCancel={() => setDeleting(null)}
        testId="template-delete-dialog"
      >
        {deleting && (
          <p>
            <strong>{deleting.name}</strong> and its image are removed from the portal and from every host. A template
            that machines still use cannot be deleted.
          </p>
        )}
      </ConfirmDialog>
    </div>
  );
}
