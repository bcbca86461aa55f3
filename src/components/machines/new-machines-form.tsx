"use client";

import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { SelectField, TextField } from "@/components/ui/field";
import { api } from "@/lib/api";
// "New machines" for admins and teachers: a READY template, a name, how many; admins may pick the host. The
// server answers with a deploy job at once; its progress is shown below the form until it ends.
import { focusFirstInvalid } from "@/lib/focus";
import { useMachinesStore } from "@/stores/machines-store";
import { JobProgress } from "./job-progress";
import { formatMemory, type Role } from "./machine-bits";
import type { CreateMachinesResult, HostOption, TemplateOption, TJobView } from "./types";

export function NewMachinesForm({
  role,
  onCreated,
  focusKey,
}: {
  role: Role;
  onCreated: () => void;
  focusKey: number;
}) {
  const isAdmin = role === "ADMIN";
  const upsert = useMachinesStore((s) => s.upsert);
  const firstRef = useRef<HTMLSelectElement>(null);
  const [templates, setTemplates] = useState<TemplateOption[] | null>(null);
  const [hosts, setHosts] = useState<HostOption[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [templateId, setTemplateId] = useState("");
  const [hostId, setHostId] = useState("");
  const [name, setName] = useState("");
  const [count, setCount] = useState("1");
  const [fullCopy, setFullCopy] = useState(false);
  const [fields, setFields] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const [jobs, setJobs] = useState<TJobView[]>([]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: focus again each time the panel is (re)opened
  useEffect(() => {
    firstRef.current?.focus();
  }, [focusKey]);

  useEffect(() => {
    let cancelled = false;
    void (async () => {
      const res = await api<{ items: TemplateOption[] }>("/api/templates");
      if (cancelled) return;
      if (res.ok) setTemplates(res.data.items.filter((t) => t.status === "READY"));
      else setLoadError(`Could not load the templates: ${res.error.message}`);
      if (!isAdmin) return;
      const hostsRes = await api<{ items: HostOption[] }>("/api/admin/hosts");
      if (cancelled) return;
      if (hostsRes.ok) setHosts(hostsRes.data.items);
      else setLoadError(`Could not load the hosts: ${hostsRes.error.message}`);
    })();
    return () => {
      cancelled = true;
    };
  }, [isAdmin]);

  const template = templates?.find((t) => t.id === templateId) ?? null;
  const hostChoices = (hosts ?? []).filter((h) => !template || h.kind === template.kind);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const n = Number(count);
    const clientErrors: Record<string, string> = {};
    if (!templateId) clientErrors.templateId = "Choose a template.";
    if (!name.trim()) clientErrors.name = "Enter a name.";
    if (!Number.isInteger(n) || n < 1 || n > 100) clientErrors.count = "Enter a whole number from 1 to 100.";
    setFields(clientErrors);
    setError(null);
    if (Object.keys(clientErrors).length) {
      focusFirstInvalid(form);
      return;
    }
    setPending(true);
    const res = await api<CreateMachinesResult>("/api/machines", {
      method: "POST",
      json: {
        templateId,
        name: name.trim(),
        count: n,
        fullCopy: isAdmin && template?.kind === "LIBVIRT" ? fullCopy : false,
        hostId: isAdmin && hostId ? hostId : undefined,
      },
    });
    setPending(false);
    if (!res.ok) {
      const f = res.error.fields ?? {};
      setFields(f);
      setError(Object.keys(f).length ? "Please correct the marked fields." : res.error.message);
      focusFirstInvalid(form);
      return;
    }
    upsert(res.data.machines);
    setJobs((j) => [res.data.job, ...j]);
    onCreated();
  }

  return (
    <div className="space-y-4">
      {loadError && <Alert tone="error">{loadError}</Alert>}
      {templates && templates.length === 0 && (
        <Alert tone="info">
          There is no ready template yet.{" "}
          <Link href="/templates" className="font-medium underline">
            Create a template
          </Link>{" "}
          first.
        </Alert>
      )}
      <form onSubmit={onSubmit} noValidate aria-labelledby="new-machines-heading" className="grid gap-3 sm:grid-cols-2">
        <SelectField
          ref={firstRef}
          id="new-machine-template"
          label="Template"
          value={templateId}
          onChange={(e) => {
            setTemplateId(e.target.value);
            setHostId("");
          }}
          error={fields.templateId}
          disabled={!templates}
          data-testid="new-machine-template"
        >
          <option value="">{templates ? "Choose a template…" : "Loading templates…"}</option>
          {templates?.map((t) => (
            <option key={t.id} value={t.id}>
              {t.name} ({t.kind === "DOCKER" ? "container" : "VM"}, {t.vcpus} vCPU, {formatMemory(t.memoryMb)},{" "}
              {t.diskGb} GB)
            </option>
          ))}
        </SelectField>
        <TextField
          id="new-machine-name"
          label="Name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          autoComplete="off"
          maxLength={60}
          hint="Letters, digits, spaces, dot, dash and underscore. With more than one machine, each gets a number: lab-01, lab-02, …"
          error={fields.name}
          data-testid="new-machine-name"
        />
        <TextField
          id="new-machine-count"
          label="How many"
          type="number"
          inputMode="numeric"
          min={1}
          max={100}
          value={count}
          onChange={(e) => setCount(e.target.value)}
          hint="From 1 to 100 at once."
          error={fields.count}
          data-testid="new-machine-count"
        />
        {isAdmin && (
          <SelectField
            id="new-machine-host"
            label="Host"
            value={hostId}
            onChange={(e) => setHostId(e.target.value)}
            hint="Automatic picks the online host with the most room."
            error={fields.hostId}
            data-testid="new-machine-host"
          >
            <option value="">Automatic</option>
            {hostChoices.map((h) => (
              <option key={h.id} value={h.id} disabled={h.cordoned || h.draining}>
                {h.name} ({h.kind === "DOCKER" ? "Docker" : "libvirt"}, {h.status.toLowerCase()}
                {h.cordoned ? ", cordoned" : ""}
                {h.draining ? ", draining" : ""})
              </option>
            ))}
          </SelectField>
        )}
        {isAdmin && template?.kind === "LIBVIRT" && (
          <div className="sm:col-span-2">
            <label className="flex items-start gap-2 text-sm">
              <input
                type="checkbox"
                checked={fullCopy}
                onChange={(e) => setFullCopy(e.target.checked)}
                className="mt-0.5 h-4 w-4"
                data-testid="new-machine-full-copy"
              />
              <span>
                <span className="font-medium text-slate-800">Full copy of the disk</span>
                <span className="block text-xs text-slate-500">
                  Each machine gets its own complete copy instead of a thin overlay on the template. Slower to create
                  and uses the template&apos;s full size per machine.
                </span>
              </span>
            </label>
            {fields.fullCopy && <p className="mt-1 text-sm text-red-700">{fields.fullCopy}</p>}
          </div>
        )}
        {error && (
          <Alert tone="error" className="sm:col-span-2" testId="new-machines-error">
            {error}
          </Alert>
        )}
        <div className="sm:col-span-2">
          <Button
            type="submit"
            pending={pending}
            pendingLabel="Creating…"
            disabled={!templates || templates.length === 0}
            data-testid="new-machines-submit"
          >
            Create machines
          </Button>
        </div>
      </form>
      {jobs.length > 0 && (
        <section aria-label="Creation progress" className="space-y-2">
          {jobs.map((job) => (
            <JobProgress key={job.id} initial={job} onFinished={onCreated} />
          ))}
        </section>
      )}
    </div>
  );
}
