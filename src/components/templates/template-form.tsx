"use client";

import { useEffect, useRef, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { SelectField, TextAreaField, TextField } from "@/components/ui/field";
import { bindField } from "@/components/ui/form";
import { api } from "@/lib/api";
// Create or edit a template: kind (on create), the Docker image and command, and the specs every machine made
// from it gets: vCPU, RAM, disk, OS type, which consoles it offers (filtered by kind), SSH/RDP settings.
import { CAPABILITY_USE, EXTRA_CAPABILITIES } from "@/lib/docker-capabilities";
import { focusFirstInvalid } from "@/lib/focus";
import {
  CONSOLE_LABEL,
  CONSOLES_FOR,
  DEFAULT_CONSOLE,
  joinCommand,
  splitCommand,
  type TemplateKind,
  type TemplateRow,
} from "./types";

type Values = {
  name: string;
  description: string;
  kind: TemplateKind;
  dockerImage: string;
  dockerCommand: string;
  dockerCapabilities: string[];
  vcpus: string;
  memoryMb: string;
  diskGb: string;
  osType: "LINUX" | "WINDOWS";
  consoleKinds: string[];
  sshUser: string;
  sshPort: string;
  rdpPort: string;
  shell: string;
  keepDataDisk: boolean;
};

function initialValues(t?: TemplateRow): Values {
  if (!t)
    return {
      name: "",
      description: "",
      kind: "DOCKER",
      dockerImage: "",
      dockerCommand: "",
      dockerCapabilities: [],
      vcpus: "1",
      memoryMb: "512",
      diskGb: "4",
      osType: "LINUX",
      consoleKinds: [DEFAULT_CONSOLE.DOCKER],
      sshUser: "",
      sshPort: "22",
      rdpPort: "3389",
      shell: "/bin/sh",
      keepDataDisk: false,
    };
  return {
    name: t.name,
    description: t.description,
    kind: t.kind,
    dockerImage: t.dockerImage ?? "",
    dockerCommand: t.dockerCommand ? joinCommand(t.dockerCommand) : "",
    dockerCapabilities: t.dockerCapabilities,
    vcpus: String(t.vcpus),
    memoryMb: String(t.memoryMb),
    diskGb: String(t.diskGb),
    osType: t.osType === "WINDOWS" ? "WINDOWS" : "LINUX",
    consoleKinds: t.consoleKinds,
    sshUser: t.sshUser ?? "",
    sshPort: String(t.sshPort),
    rdpPort: String(t.rdpPort),
    shell: t.shell,
    keepDataDisk: t.keepDataDisk,
  };
}

/** Server field keys ("dockerCommand.0", "consoleKinds.1") folded onto the form's fields. */
function foldFields(fields: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, message] of Object.entries(fields ?? {})) {
    const base = key.split(".")[0] ?? key;
    out[base] ??= message;
  }
  return out;
}

const NUMBERS = ["vcpus", "memoryMb", "diskGb", "sshPort", "rdpPort"] as const;

export function TemplateForm({
  template,
  onSaved,
  onCancel,
  focusKey = 0,
}: {
  template?: TemplateRow;
  onSaved: (row: TemplateRow) => void;
  onCancel?: () => void;
  focusKey?: number;
}) {
  const editing = Boolean(template);
  const p = template ? `tpl-edit-${template.id}` : "tpl-new";
  const initial = useRef(initialValues(template)).current;
  const nameRef = useRef<HTMLInputElement>(null);
  const [v, setV] = useState<Values>(initial);
  const [fields, setFields] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  // biome-ignore lint/correctness/useExhaustiveDependencies: focus again each time the panel is (re)opened
  useEffect(() => {
    nameRef.current?.focus();
  }, [focusKey]);

  function set<K extends keyof Values>(key: K, value: Values[K]) {
    setV((old) => ({ ...old, [key]: value }));
    if (fields[key]) setFields(({ [key]: _, ...rest }) => rest);
  }

  const bind = bindField(v, fields, (key, text) => set(key, text as Values[typeof key]));
  // A whole-number field: the number keyboard, its bounds, and the bound value.
  const numberField = (key: (typeof NUMBERS)[number], min: number, max?: number) => ({
    type: "number",
    inputMode: "numeric" as const,
    min,
    max,
    ...bind(key),
  });

  function setKind(kind: TemplateKind) {
    setV((old) => {
      const allowed = CONSOLES_FOR[kind];
      const kept = old.consoleKinds.filter((k) => allowed.includes(k));
      return { ...old, kind, consoleKinds: kept.length ? kept : [DEFAULT_CONSOLE[kind]] };
    });
    setFields({});
  }

  function toggleConsole(kind: string, on: boolean) {
    set(
      "consoleKinds",
      on ? [...v.consoleKinds.filter((k) => k !== kind), kind] : v.consoleKinds.filter((k) => k !== kind),
    );
  }

  function validate(): Record<string, string> {
    const e: Record<string, string> = {};
    if (!v.name.trim()) e.name = "Enter a name.";
    if (v.kind === "DOCKER" && !v.dockerImage.trim()) e.dockerImage = "Name the Docker image.";
    for (const key of NUMBERS) if (!/^\d+$/.test(v[key].trim())) e[key] = "Enter a whole number.";
    if (v.consoleKinds.length === 0) e.consoleKinds = "Offer at least one console.";
    return e;
  }

  function payload(): Record<string, unknown> {
    const order = CONSOLES_FOR[v.kind];
    const consoleKinds = order.filter((k) => v.consoleKinds.includes(k));
    const all: Record<string, unknown> = {
      name: v.name.trim(),
      description: v.description.trim(),
      vcpus: Number(v.vcpus),
      memoryMb: Number(v.memoryMb),
      diskGb: Number(v.diskGb),
      osType: v.osType,
      consoleKinds,
      sshPort: Number(v.sshPort),
      rdpPort: Number(v.rdpPort),
      shell: v.shell.trim(),
      keepDataDisk: v.keepDataDisk,
    };
    if (!editing) {
      all.kind = v.kind;
      all.sshUser = v.sshUser.trim() || undefined;
      if (v.kind === "DOCKER") {
        all.dockerImage = v.dockerImage.trim();
        const command = splitCommand(v.dockerCommand);
        if (command.length) all.dockerCommand = command;
        if (v.dockerCapabilities.length)
          all.dockerCapabilities = EXTRA_CAPABILITIES.filter((c) => v.dockerCapabilities.includes(c));
      }
      return all;
    }
    all.sshUser = v.sshUser.trim() || null;
    if (v.kind === "DOCKER" && v.dockerImage.trim() !== initial.dockerImage) all.dockerImage = v.dockerImage.trim();
    if (v.kind === "DOCKER")
      all.dockerCapabilities = EXTRA_CAPABILITIES.filter((c) => v.dockerCapabilities.includes(c));
    // Only what changed, so the audit log says what was edited.
    const before: Record<string, unknown> = {
      name: initial.name,
      description: initial.description,
      vcpus: Number(initial.vcpus),
      memoryMb: Number(initial.memoryMb),
      diskGb: Number(initial.diskGb),
      osType: initial.osType,
      consoleKinds: order.filter((k) => initial.consoleKinds.includes(k)),
      sshPort: Number(initial.sshPort),
      rdpPort: Number(initial.rdpPort),
      shell: initial.shell,
      keepDataDisk: initial.keepDataDisk,
      sshUser: initial.sshUser || null,
      dockerCapabilities: EXTRA_CAPABILITIES.filter((c) => initial.dockerCapabilities.includes(c)),
    };
    return Object.fromEntries(
      Object.entries(all).filter(([k, value]) => JSON.stringify(value) !== JSON.stringify(before[k])),
    );
  }

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const clientErrors = validate();
    setFields(clientErrors);
    setError(null);
    if (Object.keys(clientErrors).length) {
      focusFirstInvalid(form);
      return;
    }
    const json = payload();
    if (editing && Object.keys(json).length === 0) {
      onCancel?.();
      return;
    }
    setPending(true);
    const res = template
      ? await api<TemplateRow>(`/api/templates/${encodeURIComponent(template.id)}`, { method: "PATCH", json })
      : await api<TemplateRow>("/api/templates", { method: "POST", json });
    setPending(false);
    if (!res.ok) {
      const f = foldFields(res.error.fields);
      setFields(f);
      setError(
        Object.keys(f).length
          ? f.dockerImage && Object.keys(f).length === 1
            ? res.error.message
            : "Please correct the marked fields."
          : res.error.message,
      );
      focusFirstInvalid(form);
      return;
    }
    onSaved(res.data);
  }

  const consoles = CONSOLES_FOR[v.kind];
  const consolesError = fields.consoleKinds;

  return (
    <form
      onSubmit={onSubmit}
      noValidate
      className="grid gap-3 sm:grid-cols-2"
      data-testid={editing ? "template-edit-form" : "template-new-form"}
    >
      <TextField ref={nameRef} id={`${p}-name`} label="Name" autoComplete="off" maxLength={80} {...bind("name")} />
      {editing ? (
        <div>
          <span className="block text-sm font-medium text-slate-800">Kind</span>
          <p className="mt-1 py-2 text-sm text-slate-700">
            {v.kind === "DOCKER" ? "Docker container" : "libvirt virtual machine"} (cannot be changed)
          </p>
        </div>
      ) : (
        <SelectField
          id={`${p}-kind`}
          label="Kind"
          value={v.kind}
          onChange={(e) => setKind(e.target.value as TemplateKind)}
          error={fields.kind}
          data-testid="template-kind"
        >
          <option value="DOCKER">Docker container (from an image on the Docker hosts)</option>
          <option value="LIBVIRT">libvirt virtual machine (from a disk image you upload)</option>
        </SelectField>
      )}
      <TextAreaField
        id={`${p}-description`}
        label="Description (optional)"
        className="sm:col-span-2"
        rows={2}
        maxLength={2000}
        {...bind("description")}
      />

      {v.kind === "DOCKER" && (
        <>
          <TextField
            id={`${p}-docker-image`}
            label="Docker image"
            autoComplete="off"
            spellCheck={false}
            placeholder="debian:bookworm"
            hint="It must exist on an online Docker host (pulled there already); the portal checks."
            {...bind("dockerImage")}
            data-testid="template-docker-image"
          />
          <TextField
            id={`${p}-docker-command`}
            label="Command (optional)"
            autoComplete="off"
            spellCheck={false}
            placeholder="sleep infinity"
            hint={
              editing
                ? "The command cannot be changed after creation."
                : "Runs instead of the image's default command. Quote arguments with spaces."
            }
            {...bind("dockerCommand")}
            disabled={editing}
          />
          <fieldset className="sm:col-span-2" data-testid="template-capabilities">
            <legend className="text-sm font-semibold text-slate-800">Extra capabilities (optional)</legend>
            <p className="text-sm text-slate-600">
              Containers run with a minimal set (files, users, signals, low ports, sshd). Add only what the lab needs;
              changes apply to machines created or reverted afterwards.
            </p>
            <div className="mt-1 flex flex-wrap gap-x-4 gap-y-2">
              {EXTRA_CAPABILITIES.map((c) => (
                <label key={c} className="flex items-center gap-2 text-sm" title={CAPABILITY_USE[c]}>
                  <input
                    type="checkbox"
                    name={`${p}-capability`}
                    value={c}
                    checked={v.dockerCapabilities.includes(c)}
                    onChange={(e) =>
                      set(
                        "dockerCapabilities",
                        e.target.checked
                          ? [...v.dockerCapabilities.filter((x) => x !== c), c]
                          : v.dockerCapabilities.filter((x) => x !== c),
                      )
                    }
                    className="h-4 w-4"
                    data-testid={`template-capability-${c}`}
                  />
                  <span className="font-mono">{c}</span>
                  <span className="text-slate-600">({CAPABILITY_USE[c]})</span>
                </label>
              ))}
            </div>
            {fields.dockerCapabilities && <p className="mt-1 text-sm text-red-700">{fields.dockerCapabilities}</p>}
          </fieldset>
        </>
      )}
      {v.kind === "LIBVIRT" && !editing && (
        <p className="text-sm text-slate-600 sm:col-span-2">
          The template is saved as a draft; then you upload its disk image (qcow2 or raw) in the next step.
        </p>
      )}

      <fieldset className="grid gap-3 sm:col-span-2 sm:grid-cols-4">
        <legend className="mb-1 text-sm font-semibold text-slate-800">Size of each machine</legend>
        <TextField id={`${p}-vcpus`} label="vCPUs" {...numberField("vcpus", 1, 64)} />
        <TextField id={`${p}-memory`} label="RAM (MiB)" step={256} {...numberField("memoryMb", 32)} />
        <TextField
          id={`${p}-disk`}
          label="Disk (GB)"
          {...numberField("diskGb", 1)}
          hint={v.kind === "LIBVIRT" ? "Grows to the image's size if that is larger." : undefined}
        />
        <SelectField id={`${p}-os`} label="Operating system" {...bind("osType")}>
          <option value="LINUX">Linux</option>
          <option value="WINDOWS">Windows</option>
        </SelectField>
      </fieldset>

      <fieldset className="sm:col-span-2" aria-describedby={consolesError ? `${p}-consoles-error` : undefined}>
        <legend className="text-sm font-semibold text-slate-800">Consoles offered</legend>
        <div className="mt-1 flex flex-wrap gap-x-4 gap-y-2">
          {consoles.map((k) => (
            <label key={k} className="flex items-center gap-2 text-sm">
              <input
                type="checkbox"
                name={`${p}-console`}
                value={k}
                checked={v.consoleKinds.includes(k)}
                onChange={(e) => toggleConsole(k, e.target.checked)}
                className="h-4 w-4"
                data-testid={`template-console-${k}`}
              />
              {CONSOLE_LABEL[k] ?? k}
            </label>
          ))}
        </div>
        {consolesError && (
          <p id={`${p}-consoles-error`} className="mt-1 text-sm text-red-700">
            {consolesError}
          </p>
        )}
      </fieldset>

      {v.consoleKinds.includes("ssh") && (
        <>
          <TextField
            id={`${p}-ssh-user`}
            label="SSH user (optional)"
            autoComplete="off"
            placeholder="student"
            {...bind("sshUser")}
          />
          <TextField id={`${p}-ssh-port`} label="SSH port" {...numberField("sshPort", 1, 65535)} />
        </>
      )}
      {v.consoleKinds.includes("rdp") && (
        <TextField id={`${p}-rdp-port`} label="RDP port" {...numberField("rdpPort", 1, 65535)} />
      )}
      {v.kind === "DOCKER" && (
        <TextField
          id={`${p}-shell`}
          label="Shell"
          autoComplete="off"
          spellCheck={false}
          hint="Started by the shell console, e.g. /bin/bash."
          {...bind("shell")}
        />
      )}
      <div className="sm:col-span-2">
        <label className="flex items-start gap-2 text-sm">
          <input
            type="checkbox"
            checked={v.keepDataDisk}
            onChange={(e) => set("keepDataDisk", e.target.checked)}
            className="mt-0.5 h-4 w-4"
          />
          <span>
            <span className="font-medium text-slate-800">Keep a data disk</span>
            <span className="block text-xs text-slate-500">
              Each machine gets a second disk{v.kind === "DOCKER" ? " (mounted at /data)" : ""} that survives a revert,
              for students&apos; work.
            </span>
          </span>
        </label>
        {fields.keepDataDisk && <p className="mt-1 text-sm text-red-700">{fields.keepDataDisk}</p>}
      </div>

      {error && (
        <Alert tone="error" className="sm:col-span-2" testId="template-form-error">
          {error}
        </Alert>
      )}
      <div className="flex flex-wrap gap-2 sm:col-span-2">
        <Button
          type="submit"
          pending={pending}
          pendingLabel={editing ? "Saving…" : v.kind === "DOCKER" ? "Checking the image…" : "Creating…"}
          data-testid="template-save"
        >
          {editing ? "Save changes" : v.kind === "DOCKER" ? "Create template" : "Create draft and continue"}
        </Button>
        {onCancel && (
          <Button variant="secondary" onClick={onCancel} disabled={pending}>
            Cancel
          </Button>
        )}
      </div>
    </form>
  );
}
