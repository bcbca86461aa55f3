"use client";

// Uploads a file to a template with XMLHttpRequest (fetch cannot report upload progress): a progress bar with
// percent and MB sent, a Cancel button, then "Checking…" while the server inspects it, and the server's verdict
// next to the file input. Two targets share this: the disk image (PUT /api/templates/{id}/image, checked with
// qemu-img) and the installer ISO (PUT /api/templates/{id}/iso, checked for an ISO 9660 signature).
import { useEffect, useId, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { formatBytes, type TemplateRow } from "./types";

export type UploadTarget = "image" | "iso";

type Phase =
  | { kind: "idle" }
  | { kind: "sending"; loaded: number; total: number }
  | { kind: "checking" }
  | { kind: "done"; row: TemplateRow; name: string; size: number };

/** Everything that differs between the two targets: endpoint, accepted files, texts and test ids. */
const TARGETS: Record<
  UploadTarget,
  {
    path: string;
    accept: string;
    extensions: RegExp;
    testId: string;
    label: string;
    wrongType: string;
    chooseFirst: string;
    tooLargeNoun: string;
    hint: (max: string) => string;
    checkingStatus: string;
    checkingText: string;
    checkingValue: string;
    barNoun: string;
    uploadLabel: string;
    tooLarge: string;
  }
> = {
  image: {
    path: "image",
    accept: ".qcow2,.img,.raw",
    extensions: /\.(qcow2|img|raw)$/i,
    testId: "image",
    label: "Disk image for",
    wrongType: "Choose a .qcow2, .img or .raw disk image.",
    chooseFirst: "Choose a disk image first.",
    tooLargeNoun: "images",
    hint: (max) =>
      `A bootable qcow2 or raw image (.qcow2, .img, .raw), up to ${max}. It is checked with qemu-img after the upload.`,
    checkingStatus: "Uploaded. Checking the image…",
    checkingText: "Checking the image…",
    checkingValue: "Uploaded; checking the image",
    barNoun: "the image",
    uploadLabel: "Upload image",
    tooLarge: "The image is larger than the portal accepts.",
  },
  iso: {
    path: "iso",
    accept: ".iso",
    extensions: /\.iso$/i,
    testId: "iso",
    label: "Installer ISO for",
    wrongType: "Choose an installer .iso file.",
    chooseFirst: "Choose an installer ISO first.",
    tooLargeNoun: "ISOs",
    hint: (max) =>
      `The operating system's installer disc (.iso), up to ${max}. It is checked for an ISO 9660 signature after the upload.`,
    checkingStatus: "Uploaded. Checking the ISO…",
    checkingText: "Checking the ISO…",
    checkingValue: "Uploaded; checking the ISO",
    barNoun: "the ISO",
    uploadLabel: "Upload ISO",
    tooLarge: "The ISO is larger than the portal accepts.",
  },
};

function parseError(xhr: XMLHttpRequest, tooLarge: string): string {
  try {
    const body = JSON.parse(xhr.responseText) as { error?: { message?: string; fields?: Record<string, string> } };
    const message = body.error?.message;
    const detail = body.error?.fields?.file;
    // The general "Some fields are not valid." says less than the reason given for the file.
    if (detail && (!message || /^Some (\w+ )?fields are not valid/.test(message))) return detail;
    if (message) return message;
  } catch {
    // not JSON (a proxy's error page, for instance)
  }
  if (xhr.status === 401) return "Your session has ended. Please sign in again.";
  if (xhr.status === 413) return tooLarge;
  return `The upload failed (HTTP ${xhr.status}).`;
}

export function ImageUpload({
  template,
  maxMb,
  onUploaded,
  target = "image",
  onBusyChange,
}: {
  template: TemplateRow;
  maxMb: number;
  onUploaded: (row: TemplateRow) => void;
  /** What is uploaded: the template's disk image (default) or an installer ISO. */
  target?: UploadTarget;
  /** Told when an upload starts and ends (so a caller can hold back what depends on it). */
  onBusyChange?: (busy: boolean) => void;
}) {
  const t = TARGETS[target];
  const id = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const xhrRef = useRef<XMLHttpRequest | null>(null);
  const [file, setFile] = useState<File | null>(null);
  const [phase, setPhase] = useState<Phase>({ kind: "idle" });
  const [error, setError] = useState<string | null>(null);
  const busy = phase.kind === "sending" || phase.kind === "checking";

  // Leaving the page stops a running upload (the server discards the partial file).
  useEffect(() => () => xhrRef.current?.abort(), []);

  const busyChangeRef = useRef(onBusyChange);
  useEffect(() => {
    busyChangeRef.current = onBusyChange;
  });
  useEffect(() => {
    busyChangeRef.current?.(busy);
  }, [busy]);

  function choose(event: React.ChangeEvent<HTMLInputElement>) {
    const chosen = event.target.files?.[0] ?? null;
    setError(null);
    setPhase({ kind: "idle" });
    setFile(null);
    if (!chosen) return;
    if (!t.extensions.test(chosen.name)) {
      setError(t.wrongType);
      return;
    }
    if (chosen.size === 0) {
      setError("This file is empty.");
      return;
    }
    if (chosen.size > maxMb * 1024 * 1024) {
      setError(
        `This file is ${formatBytes(chosen.size)}; the portal accepts ${t.tooLargeNoun} up to ${formatBytes(maxMb * 1024 * 1024)}.`,
      );
      return;
    }
    setFile(chosen);
  }

  function upload() {
    if (!file) {
      setError(t.chooseFirst);
      inputRef.current?.focus();
      return;
    }
    setError(null);
    const xhr = new XMLHttpRequest();
    xhrRef.current = xhr;
    xhr.open("PUT", `/api/templates/${encodeURIComponent(template.id)}/${t.path}`);
    xhr.setRequestHeader("Content-Type", "application/octet-stream");
    // Header values must be Latin-1; the server keeps only safe characters of the name anyway.
    xhr.setRequestHeader("X-File-Name", file.name.replace(/[^\x20-\x7e]/g, "_"));
    xhr.upload.onprogress = (e) => {
      const total = e.lengthComputable ? e.total : file.size;
      if (e.loaded >= total) setPhase({ kind: "checking" });
      else setPhase({ kind: "sending", loaded: e.loaded, total });
    };
    xhr.upload.onload = () => setPhase({ kind: "checking" });
    xhr.onload = () => {
      xhrRef.current = null;
      if (xhr.status >= 200 && xhr.status < 300) {
        let row: TemplateRow | null = null;
        try {
          row = JSON.parse(xhr.responseText) as TemplateRow;
        } catch {
          row = null;
        }
        if (row?.id) {
          setPhase({ kind: "done", row, name: file.name, size: file.size });
          setFile(null);
          if (inputRef.current) inputRef.current.value = "";
          onUploaded(row);
          return;
        }
      }
      setPhase({ kind: "idle" });
      setError(parseError(xhr, t.tooLarge));
    };
    xhr.onerror = () => {
      xhrRef.current = null;
      setPhase({ kind: "idle" });
      setError("The connection broke during the upload. Check your network and try again.");
    };
    xhr.onabort = () => {
      xhrRef.current = null;
      setPhase({ kind: "idle" });
      setError("Upload cancelled. Nothing was changed.");
    };
    setPhase({ kind: "sending", loaded: 0, total: file.size });
    xhr.send(file);
  }

  const pct =
    phase.kind === "sending" && phase.total > 0
      ? Math.floor((phase.loaded / phase.total) * 100)
      : phase.kind === "checking" || phase.kind === "done"
        ? 100
        : 0;
  const mb = (n: number) => (n / (1024 * 1024)).toFixed(n < 10 * 1024 * 1024 ? 1 : 0);

  return (
    <div className="space-y-3" data-testid={`${t.testId}-upload`}>
      <div>
        <label htmlFor={`${id}-file`} className="block text-sm font-medium text-slate-800">
          {t.label} {template.name}
        </label>
        <input
          ref={inputRef}
          id={`${id}-file`}
          type="file"
          accept={t.accept}
          disabled={busy}
          onChange={choose}
          aria-invalid={error ? true : undefined}
          aria-describedby={`${id}-hint${error ? ` ${id}-error` : ""}`}
          className="mt-1 block w-full text-sm file:mr-3 file:rounded-md file:border file:border-slate-300 file:bg-white file:px-3 file:py-1.5 file:text-sm file:font-medium hover:file:bg-slate-50"
          data-testid={`${t.testId}-file`}
        />
        <p id={`${id}-hint`} className="mt-1 text-xs text-slate-500">
          {t.hint(formatBytes(maxMb * 1024 * 1024))}
          {file && ` Chosen: ${file.name} (${formatBytes(file.size)}).`}
        </p>
        {error && (
          <p
            id={`${id}-error`}
            role="alert"
            className="mt-1 text-sm text-red-700"
            data-testid={`${t.testId}-upload-error`}
          >
            {error}
          </p>
        )}
      </div>

      <p role="status" className="sr-only">
        {phase.kind === "sending" ? "Uploading." : phase.kind === "checking" ? t.checkingStatus : ""}
      </p>
      {(phase.kind === "sending" || phase.kind === "checking") && (
        <div className="space-y-1">
          <div
            role="progressbar"
            aria-label={`Uploading ${file?.name ?? t.barNoun}`}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={pct}
            aria-valuetext={phase.kind === "checking" ? t.checkingValue : `${pct}%`}
            className="h-3 w-full overflow-hidden rounded-full bg-slate-200"
          >
            <div
              className={`h-full bg-brand-600 transition-[width] ${phase.kind === "checking" ? "animate-pulse motion-reduce:animate-none" : ""}`}
              style={{ width: `${pct}%` }}
            />
          </div>
          <p className="text-sm text-slate-700 tabular-nums" data-testid={`${t.testId}-upload-progress`}>
            {phase.kind === "sending"
              ? `${pct}% — ${mb(phase.loaded)} MB of ${mb(phase.total)} MB sent`
              : t.checkingText}
          </p>
        </div>
      )}
      {phase.kind === "done" && target === "iso" && (
        <p role="status" className="text-sm text-green-800" data-testid="iso-upload-done">
          ISO accepted ({phase.name}, {formatBytes(phase.size)}). Start the installation next.
        </p>
      )}
      {phase.kind === "done" && target === "image" && (
        <p role="status" className="text-sm text-green-800" data-testid="image-upload-done">
          Image accepted ({phase.row.imageFormat ?? "disk"}
          {phase.row.imageBytes !== null ? `, ${formatBytes(phase.row.imageBytes)}` : ""}). The template is{" "}
          {phase.row.status === "READY" ? "ready" : phase.row.status.toLowerCase()}.
        </p>
      )}

      <div className="flex flex-wrap gap-2">
        <Button onClick={upload} disabled={busy || !file} data-testid={`${t.testId}-upload-start`}>
          {phase.kind === "sending" ? "Uploading…" : phase.kind === "checking" ? "Checking…" : t.uploadLabel}
        </Button>
        {phase.kind === "sending" && (
          <Button variant="secondary" onClick={() => xhrRef.current?.abort()} data-testid={`${t.testId}-upload-cancel`}>
            Cancel upload
          </Button>
        )}
      </div>
    </div>
  );
}
