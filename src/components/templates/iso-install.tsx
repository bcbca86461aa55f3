"use client";

// "Install from an ISO": the second way to give a libvirt template its disk. Upload an installer ISO (the same
// progress-bar upload as for disk images), start an installation machine (blank disk + the ISO in a CD drive),
// install the system through that machine's console, shut it down, then convert its disk into the template's
// image. While installing, the machine's state is shown live and "Convert to template" waits for STOPPED.
import Link from "next/link";
import { useCallback, useEffect, useId, useState } from "react";
import { StateBadge } from "@/components/machines/machine-bits";
import { Button } from "@/components/ui/button";
import { RECONNECTED, useLiveEvents } from "@/hooks/use-live-events";
import { api } from "@/lib/api";
import { isBusy, MACHINE_STATES, type MachineState, STATE_LABELS } from "@/lib/machine-states";
import type { TMachineRow } from "@/server/machines/routes";
import { ImageUpload } from "./image-upload";
import { formatMemory, type TemplateRow } from "./types";

type MachineView = { state: MachineState; stateDetail: string | null; name: string | null };
type MachineLoad =
  | { kind: "loading" }
  | { kind: "ok"; machine: MachineView }
  | { kind: "error"; status: number; message: string }
  | { kind: "gone" };

const asState = (s: unknown): MachineState =>
  (MACHINE_STATES as readonly unknown[]).includes(s) ? (s as MachineState) : "UNKNOWN";

/** Why "Convert to template" is not possible yet, or null when it is. */
function convertBlocker(load: MachineLoad): string | null {
  if (load.kind === "loading") return "Checking the installation machine's state…";
  if (load.kind === "gone") return "The installation machine has been deleted; there is nothing to convert.";
  if (load.kind === "error")
    return "The installation machine's state is not known here, so it cannot be converted from this page.";
  const s = load.machine.state;
  if (s === "STOPPED") return null;
  if (s === "RUNNING" || s === "UNKNOWN")
    return "Shut the installation machine down first (from inside the guest, or Stop on the machine's page).";
  if (isBusy(s)) return `The installation machine is ${STATE_LABELS[s].toLowerCase()}; wait until it is stopped.`;
  return `The installation machine is ${STATE_LABELS[s].toLowerCase()}; it must be stopped to convert it.`;
}

/** The running installation: guide, link to the machine, its live state, and the convert button. */
function Installing({
  template,
  machineId,
  onConverted,
}: {
  template: TemplateRow;
  machineId: string;
  onConverted: (row: TemplateRow) => void;
}) {
  const id = useId();
  const [load, setLoad] = useState<MachineLoad>({ kind: "loading" });
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const fetchMachine = useCallback(async () => {
    const res = await api<TMachineRow>(`/api/machines/${encodeURIComponent(machineId)}`);
    if (res.ok)
      setLoad({
        kind: "ok",
        machine: { state: res.data.state, stateDetail: res.data.stateDetail, name: res.data.name },
      });
    else setLoad({ kind: "error", status: res.error.status, message: res.error.message });
  }, [machineId]);

  useEffect(() => {
    void fetchMachine();
  }, [fetchMachine]);

  useLiveEvents(["machine.updated", "machine.deleted", RECONNECTED], (data, type) => {
    if (type === RECONNECTED) {
      void fetchMachine();
      return;
    }
    const event = data as { id?: unknown; state?: unknown; stateDetail?: unknown } | null;
    if (event?.id !== machineId) return;
    if (type === "machine.deleted") {
      // Converting removes the machine too; the new template row follows the request's answer.
      if (!pending) setLoad({ kind: "gone" });
      return;
    }
    if (typeof event.state === "string") {
      const stateDetail = typeof event.stateDetail === "string" ? event.stateDetail : null;
      setLoad((old) => ({
        kind: "ok",
        machine: { state: asState(event.state), stateDetail, name: old.kind === "ok" ? old.machine.name : null },
      }));
    } else {
      void fetchMachine();
    }
  });

  async function convert() {
    setPending(true);
    setError(null);
    const res = await api<TemplateRow>(`/api/templates/${encodeURIComponent(template.id)}/convert`, { method: "POST" });
    setPending(false);
    if (!res.ok) {
      setError(res.error.fields?.file ?? res.error.message);
      // A refusal because of the machine's state means what this page shows may be stale.
      if (res.error.status === 409) void fetchMachine();
      return;
    }
    onConverted(res.data);
  }

  const blocker = convertBlocker(load);
  const href = `/machines/${encodeURIComponent(machineId)}`;

  return (
    <div className="space-y-3" data-testid="iso-installing">
      <ol className="list-decimal space-y-1 pl-5 text-sm text-slate-700" data-testid="iso-install-guide">
        <li>Open the installation machine and its console.</li>
        <li>Install the operating system from the ISO onto the machine's blank disk.</li>
        <li>Shut the machine down from inside the guest (or use Stop on the machine's page).</li>
        <li>Come back here and choose Convert to template.</li>
      </ol>

      <div className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm">
        <Link
          href={href}
          className="font-medium text-brand-700 underline hover:text-brand-800"
          data-testid="iso-install-machine-link"
        >
          Open installation machine
        </Link>
        <span className="inline-flex items-center gap-1.5" data-testid="iso-install-machine">
          <span className="text-slate-500">Machine state:</span>
          {load.kind === "loading" && <span className="text-slate-600">Loading…</span>}
          {load.kind === "ok" && <StateBadge state={load.machine.state} testId="iso-install-machine-state" />}
          {load.kind === "error" && <span className="text-slate-600">not available</span>}
          {load.kind === "gone" && <span className="text-slate-600">deleted</span>}
        </span>
      </div>
      <p role="status" className="sr-only">
        {load.kind === "ok" ? `Installation machine: ${STATE_LABELS[load.machine.state]}.` : ""}
      </p>
      {load.kind === "ok" && load.machine.stateDetail && (
        <p className="text-sm break-words text-slate-600">{load.machine.stateDetail}</p>
      )}
      {load.kind === "error" && (
        <p className="text-sm text-red-700" data-testid="iso-install-machine-error">
          Could not load the installation machine: {load.message}{" "}
          <button type="button" className="font-medium underline" onClick={() => void fetchMachine()}>
            Try again
          </button>
        </p>
      )}

      <div>
        <Button
          onClick={() => void convert()}
          disabled={blocker !== null}
          pending={pending}
          pendingLabel="Converting…"
          title={blocker ?? undefined}
          aria-describedby={`${id}-convert-hint${error ? ` ${id}-convert-error` : ""}`}
          data-testid="iso-convert"
        >
          Convert to template
        </Button>
        <p id={`${id}-convert-hint`} className="mt-1 text-xs text-slate-500">
          {pending
            ? "Copying the machine's disk into the template. This can take a few minutes for a large disk."
            : (blocker ??
              "The machine is stopped: its disk becomes the template's image, then the machine and the ISO are removed.")}
        </p>
        {error && (
          <p
            id={`${id}-convert-error`}
            role="alert"
            className="mt-1 text-sm text-red-700"
            data-testid="iso-convert-error"
          >
            {error}
          </p>
        )}
      </div>
    </div>
  );
}

export function IsoInstall({
  template,
  maxMb,
  onChange,
  onConverted,
}: {
  template: TemplateRow;
  maxMb: number;
  /** A new row from the API (ISO uploaded, installation started). */
  onChange: (row: TemplateRow) => void;
  /** The installation machine became the template's image. */
  onConverted: (row: TemplateRow) => void;
}) {
  const id = useId();
  const [uploading, setUploading] = useState(false);
  const [starting, setStarting] = useState(false);
  const [startError, setStartError] = useState<string | null>(null);
  const machineId = template.installMachineId;

  async function start() {
    setStarting(true);
    setStartError(null);
    const res = await api<TemplateRow>(`/api/templates/${encodeURIComponent(template.id)}/install`, { method: "POST" });
    setStarting(false);
    if (!res.ok) {
      setStartError(res.error.fields?.file ?? res.error.message);
      return;
    }
    onChange(res.data);
  }

  const startBlocker = !template.isoUploaded
    ? "Upload an installer ISO first."
    : uploading
      ? "Wait until the ISO upload has finished."
      : null;

  return (
    <section aria-labelledby={`${id}-title`} className="space-y-3" data-testid="iso-install">
      <h3
        id={`${id}-title`}
        tabIndex={-1}
        className="font-semibold text-slate-900 outline-none"
        data-iso-install-title={template.id}
      >
        Install from an ISO
      </h3>
      {machineId ? (
        <Installing key={machineId} template={template} machineId={machineId} onConverted={onConverted} />
      ) : (
        <>
          <p className="text-sm text-slate-600">
            No ready disk image? Upload the operating system's installer ISO, start an installation machine with a blank{" "}
            {template.diskGb} GB disk and the ISO in its CD drive, install the system through its console, then convert
            the machine into this template.
          </p>
          <div>
            <h4 className="mb-2 text-sm font-semibold text-slate-800">1. Installer ISO</h4>
            {template.isoUploaded && (
              <p className="mb-2 text-sm text-slate-700" data-testid="iso-uploaded">
                An installer ISO is uploaded. Choose another file only to replace it.
              </p>
            )}
            <ImageUpload
              template={template}
              maxMb={maxMb}
              target="iso"
              onUploaded={onChange}
              onBusyChange={setUploading}
            />
          </div>
          <div>
            <h4 className="mb-2 text-sm font-semibold text-slate-800">2. Installation machine</h4>
            <Button
              onClick={() => void start()}
              disabled={startBlocker !== null}
              pending={starting}
              pendingLabel="Starting…"
              title={startBlocker ?? undefined}
              aria-describedby={`${id}-start-hint${startError ? ` ${id}-start-error` : ""}`}
              data-testid="iso-install-start"
            >
              Start installation
            </Button>
            <p id={`${id}-start-hint`} className="mt-1 text-xs text-slate-500">
              {startBlocker ??
                `Creates and starts a machine with ${template.vcpus} vCPU, ${formatMemory(template.memoryMb)} RAM and a blank ${template.diskGb} GB disk, booting from the ISO.`}
            </p>
            {startError && (
              <p
                id={`${id}-start-error`}
                role="alert"
                className="mt-1 text-sm text-red-700"
                data-testid="iso-install-start-error"
              >
                {startError}
              </p>
            )}
          </div>
        </>
      )}
    </section>
  );
}
