"use client";

import { useEffect, useRef, useState } from "react";
import { NoReadyTemplate, TemplateSelect } from "@/components/templates/template-select";
import { Alert } from "@/components/ui/alert";
import { SelectField, TextField } from "@/components/ui/field";
import { ErrorAndSubmit } from "@/components/ui/form";
import { useFormErrors } from "@/hooks/use-form-errors";
import { useReadyTemplates } from "@/hooks/use-ready-templates";
import { api } from "@/lib/api";
// "New machines" for admins and teachers: a READY template, a name, how many; admins may pick the host. The
// server answers with a deploy job at once; its progress is shown below the form until it ends.
import { useMachinesStore } from "@/stores/machines-store";
import { JobProgress } from "./job-progress";
import type { Role } from "./machine-bits";
import type { CreateMachinesResult, HostOption, TJobView } from "./types";

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
  const { templates, loadError, setLoadError } = useReadyTemplates();
  const [hosts, setHosts] = useState<HostOption[] | null>(null);
  const [templateId, setTemplateId] = useState("");
  const [hostId, setHostId] = useState("");
  const [name, setName] = useState("");
  const [count, setCount] = useState("1");
  const [fullCopy, setFullCopy] = useState(false);
  const { fields, error, check, refused } = useFormErrors();
  const [pending, setPending] = useState(false);
  const [jobs, setJobs] = useState<TJobView[]>([]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: focus again each time the panel is (re)opened
  useEffect(() => {
    firstRef.current?.focus();
  }, [focusKey]);

  useEffect(() => {
    if (!isAdmin) return;
    let cancelled = false;
    void (async () => {
      const hostsRes = await api<{ items: HostOption[] }>("/api/admin/hosts");
      if (cancelled) return;
      if (hostsRes.ok) setHosts(hostsRes.data.items);
      else setLoadError(`Could not load the hosts: ${hostsRes.error.message}`);
    })();
    return () => {
      cancelled = true;
    };
  }, [isAdmin, setLoadError]);

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
    if (!check(form, clientErrors)) return;
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
    if (!res.ok) return refused(form, res.error);
    upsert(res.data.machines);
    setJobs((j) => [res.data.job, ...j]);
    onCreated();
  }

  return (
    <div className="space-y-4">
      {loadError && <Alert tone="error">{loadError}</Alert>}
      <NoReadyTemplate templates={templates} />
      <form onSubmit={onSubmit} noValidate aria-labelledby="new-machines-heading" className="grid gap-3 sm:grid-cols-2">
        <TemplateSelect
          ref={firstRef}
          id="new-machine-template"
          templates={templates}
          withMemory
          value={templateId}
          onChange={(e) => {
            setTemplateId(e.target.value);
            setHostId("");
          }}
          error={fields.templateId}
          data-testid="new-machine-template"
        />
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
        <ErrorAndSubmit
          error={error}
          errorTestId="new-machines-error"
          pending={pending}
          pendingLabel="Creating…"
          disabled={!templates || templates.length === 0}
          testId="new-machines-submit"
        >
          Create machines
        </ErrorAndSubmit>
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
