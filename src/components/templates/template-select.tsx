"use client";

// Choosing the template of new machines or a new class: the select (disabled until the templates have loaded),
// and the note shown when there is no READY template yet.
import Link from "next/link";
import type { ComponentProps } from "react";
import { formatMemory } from "@/components/machines/machine-bits";
import type { TemplateOption } from "@/components/machines/types";
import { Alert } from "@/components/ui/alert";
import { SelectField } from "@/components/ui/field";

export function NoReadyTemplate({ templates }: { templates: readonly TemplateOption[] | null }) {
  if (!templates || templates.length > 0) return null;
  return (
    <Alert tone="info">
      There is no ready template yet.{" "}
      <Link href="/templates" className="font-medium underline">
        Create a template
      </Link>{" "}
      first.
    </Alert>
  );
}

/** `withMemory` adds the RAM to each template's size. */
export function TemplateSelect({
  templates,
  withMemory = false,
  ...select
}: Omit<ComponentProps<typeof SelectField>, "label" | "children" | "disabled"> & {
  templates: readonly TemplateOption[] | null;
  withMemory?: boolean;
}) {
  return (
    <SelectField label="Template" disabled={!templates} {...select}>
      <option value="">{templates ? "Choose a template…" : "Loading templates…"}</option>
      {templates?.map((t) => (
        <option key={t.id} value={t.id}>
          {t.name} ({t.kind === "DOCKER" ? "container" : "VM"}, {t.vcpus} vCPU,{" "}
          {withMemory ? `${formatMemory(t.memoryMb)}, ` : ""}
          {t.diskGb} GB)
        </option>
      ))}
    </SelectField>
  );
}
