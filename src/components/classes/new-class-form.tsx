"use client";

// "New class": the settings and a READY template. The server answers at once with the class and its deploy job
// (the teacher's machine and the pool); the classes page closes the form and shows the job's progress above the
// list with a link to the class (onCreated gets both).
import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import type { TemplateOption } from "@/components/machines/types";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { SelectField } from "@/components/ui/field";
import { api } from "@/lib/api";
import { focusFirstInvalid } from "@/lib/focus";
import { ClassSettingsFields } from "./settings-fields";
import { type ClassRow, DEFAULT_SETTINGS, type JobView, type SettingsForm, settingsBody } from "./types";

export type CreatedClass = { class: ClassRow; job: JobView };

export function NewClassForm({
  focusKey,
  onCreated,
}: {
  focusKey: number;
  onCreated: (created: CreatedClass) => void;
}) {
  const nameRef = useRef<HTMLInputElement>(null);
  const [templates, setTemplates] = useState<(TemplateOption & { consoleKinds: string[] })[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [templateId, setTemplateId] = useState("");
  const [settings, setSettings] = useState<SettingsForm>(DEFAULT_SETTINGS);
  const [fields, setFields] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  // biome-ignore lint/correctness/useExhaustiveDependencies: focus again each time the panel is (re)opened
  useEffect(() => {
    nameRef.current?.focus();
  }, [focusKey]);

  useEffect(() => {
    let cancelled = false;
    void (async () => {
      const res = await api<{ items: (TemplateOption & { consoleKinds: string[] })[] }>("/api/templates");
      if (cancelled) return;
      if (res.ok) setTemplates(res.data.items.filter((t) => t.status === "READY"));
      else setLoadError(`Could not load the templates: ${res.error.message}`);
    })();
    return () => {
      cancelled = true;
    };
  }, []);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const clientErrors: Record<string, string> = {};
    if (!settings.name.trim()) clientErrors.name = "Enter a name.";
    if (!templateId) clientErrors.templateId = "Choose a template.";
    setFields(clientErrors);
    setError(null);
    if (Object.keys(clientErrors).length) {
      focusFirstInvalid(form);
      return;
    }
    setPending(true);
    const res = await api<CreatedClass>("/api/classes", {
      method: "POST",
      json: { ...settingsBody(settings), templateId },
    });
    setPending(false);
    if (!res.ok) {
      const f = res.error.fields ?? {};
      setFields(f);
      setError(Object.keys(f).length ? "Please correct the marked fields." : res.error.message);
      focusFirstInvalid(form);
      return;
    }
    setSettings(DEFAULT_SETTINGS);
    setTemplateId("");
    onCreated(res.data);
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
      <form onSubmit={onSubmit} noValidate aria-labelledby="new-class-heading" className="grid gap-3 sm:grid-cols-2">
        <ClassSettingsFields
          idPrefix="new-class"
          value={settings}
          onChange={setSettings}
          fields={fields}
          nameRef={nameRef}
          afterName={
            <SelectField
              id="new-class-template"
              label="Template"
              value={templateId}
              onChange={(e) => setTemplateId(e.target.value)}
              error={fields.templateId}
              disabled={!templates}
              hint="Every machine of the class starts as a copy of it."
              data-testid="new-class-template"
            >
              <option value="">{templates ? "Choose a template…" : "Loading templates…"}</option>
              {templates?.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name} ({t.kind === "DOCKER" ? "container" : "VM"}, {t.vcpus} vCPU, {t.diskGb} GB)
                </option>
              ))}
            </SelectField>
          }
        />
        {error && (
          <Alert tone="error" className="sm:col-span-2" testId="new-class-error">
            {error}
          </Alert>
        )}
        <div className="sm:col-span-2">
          <Button
            type="submit"
            pending={pending}
            pendingLabel="Creating…"
            disabled={!templates || templates.length === 0}
            data-testid="new-class-submit"
          >
            Create class
          </Button>
        </div>
      </form>
    </div>
  );
}
