"use client";

// "New class": the settings and a READY template. The server answers at once with the class and its deploy job
// (the teacher's machine and the pool); the classes page closes the form and shows the job's progress above the
// list with a link to the class (onCreated gets both).
import { useEffect, useRef, useState } from "react";
import { NoReadyTemplate, TemplateSelect } from "@/components/templates/template-select";
import { Alert } from "@/components/ui/alert";
import { ErrorAndSubmit } from "@/components/ui/form";
import { useFormErrors } from "@/hooks/use-form-errors";
import { useReadyTemplates } from "@/hooks/use-ready-templates";
import { api } from "@/lib/api";
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
  const { templates, loadError } = useReadyTemplates();
  const [templateId, setTemplateId] = useState("");
  const [settings, setSettings] = useState<SettingsForm>(DEFAULT_SETTINGS);
  const { fields, error, check, refused } = useFormErrors();
  const [pending, setPending] = useState(false);

  // biome-ignore lint/correctness/useExhaustiveDependencies: focus again each time the panel is (re)opened
  useEffect(() => {
    nameRef.current?.focus();
  }, [focusKey]);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const clientErrors: Record<string, string> = {};
    if (!settings.name.trim()) clientErrors.name = "Enter a name.";
    if (!templateId) clientErrors.templateId = "Choose a template.";
    if (!check(form, clientErrors)) return;
    setPending(true);
    const res = await api<CreatedClass>("/api/classes", {
      method: "POST",
      json: { ...settingsBody(settings), templateId },
    });
    setPending(false);
    if (!res.ok) return refused(form, res.error);
    setSettings(DEFAULT_SETTINGS);
    setTemplateId("");
    onCreated(res.data);
  }

  return (
    <div className="space-y-4">
      {loadError && <Alert tone="error">{loadError}</Alert>}
      <NoReadyTemplate templates={templates} />
      <form onSubmit={onSubmit} noValidate aria-labelledby="new-class-heading" className="grid gap-3 sm:grid-cols-2">
        <ClassSettingsFields
          idPrefix="new-class"
          value={settings}
          onChange={setSettings}
          fields={fields}
          nameRef={nameRef}
          afterName={
            <TemplateSelect
              id="new-class-template"
              templates={templates}
              value={templateId}
              onChange={(e) => setTemplateId(e.target.value)}
              error={fields.templateId}
              hint="Every machine of the class starts as a copy of it."
              data-testid="new-class-template"
            />
          }
        />
        <ErrorAndSubmit
          error={error}
          errorTestId="new-class-error"
          pending={pending}
          pendingLabel="Creating…"
          disabled={!templates || templates.length === 0}
          testId="new-class-submit"
        >
          Create class
        </ErrorAndSubmit>
      </form>
    </div>
  );
}
