"use client";

// The class settings a teacher chooses, used by "New class" and the class's Settings tab. Field errors come from
// the API's 422 ({ fields }) keyed by the same names.
import type { ReactNode, Ref } from "react";
import { TextAreaField, TextField } from "@/components/ui/field";
import type { SettingsForm } from "./types";

type Props = {
  idPrefix: string;
  value: SettingsForm;
  onChange: (next: SettingsForm) => void;
  fields: Record<string, string>;
  nameRef?: Ref<HTMLInputElement>;
  /** Rendered beside the name (New class: the template). */
  afterName?: ReactNode;
};

function Check({
  id,
  label,
  hint,
  checked,
  onChange,
  error,
}: {
  id: string;
  label: string;
  hint: string;
  checked: boolean;
  onChange: (v: boolean) => void;
  error?: string;
}) {
  return (
    <div>
      <label htmlFor={id} className="flex items-start gap-2 text-sm">
        <input
          id={id}
          type="checkbox"
          checked={checked}
          onChange={(e) => onChange(e.target.checked)}
          className="mt-0.5 h-4 w-4"
          aria-describedby={`${id}-hint`}
          aria-invalid={error ? true : undefined}
        />
        <span>
          <span className="font-medium text-slate-800">{label}</span>
          <span id={`${id}-hint`} className="block text-xs text-slate-500">
            {hint}
          </span>
        </span>
      </label>
      {error && <p className="mt-1 text-sm text-red-700">{error}</p>}
    </div>
  );
}

export function ClassSettingsFields({ idPrefix, value, onChange, fields, nameRef, afterName }: Props) {
  const set = <K extends keyof SettingsForm>(key: K, v: SettingsForm[K]) => onChange({ ...value, [key]: v });
  const id = (name: string) => `${idPrefix}-${name}`;
  const numberProps = { type: "number", inputMode: "numeric" as const, step: 1 };
  return (
    <>
      <TextField
        ref={nameRef}
        id={id("name")}
        label="Name"
        value={value.name}
        onChange={(e) => set("name", e.target.value)}
        maxLength={80}
        autoComplete="off"
        error={fields.name}
        data-testid="class-name"
      />
      {afterName}
      <TextAreaField
        id={id("description")}
        label="Description"
        value={value.description}
        onChange={(e) => set("description", e.target.value)}
        maxLength={2000}
        rows={2}
        hint="Shown to students on the invite page."
        error={fields.description}
        className="sm:col-span-2 [&_textarea]:font-sans"
      />
      <TextField
        id={id("hours")}
        label="Hours per student per month"
        {...numberProps}
        min={0}
        max={744}
        value={value.hoursPerStudent}
        onChange={(e) => set("hoursPerStudent", e.target.value)}
        hint="Running time each student may use this month; 0 = no class limit."
        error={fields.hoursPerStudent}
      />
      <TextField
        id={id("idle")}
        label="Idle shutdown (minutes)"
        {...numberProps}
        min={0}
        max={1440}
        value={value.idleMinutes}
        onChange={(e) => set("idleMinutes", e.target.value)}
        hint="A running machine with no console open this long is shut down; 0 = never."
        error={fields.idleMinutes}
      />
      <TextField
        id={id("max")}
        label="Max students"
        {...numberProps}
        min={1}
        max={500}
        value={value.maxStudents}
        onChange={(e) => set("maxStudents", e.target.value)}
        error={fields.maxStudents}
      />
      <TextField
        id={id("pool")}
        label="Pre-provisioned machines"
        {...numberProps}
        min={0}
        max={100}
        value={value.poolSize}
        onChange={(e) => set("poolSize", e.target.value)}
        hint="Machines made ahead of time so joining is instant."
        error={fields.poolSize}
      />
      <TextField
        id={id("keep")}
        label="Days to keep previous disks"
        {...numberProps}
        min={0}
        max={90}
        value={value.keepDays}
        onChange={(e) => set("keepDays", e.target.value)}
        hint="After a publish, each student's previous disk is kept this long."
        error={fields.keepDays}
      />
      <div className="space-y-3 sm:col-span-2">
        <Check
          id={id("isolated")}
          label="Isolated network"
          hint="The class's machines reach each other but nothing else."
          checked={value.isolatedNetwork}
          onChange={(v) => set("isolatedNetwork", v)}
          error={fields.isolatedNetwork}
        />
        <Check
          id={id("clipboard")}
          label="RDP clipboard"
          hint="Copy and paste between the student's computer and the machine over Remote Desktop."
          checked={value.rdpClipboard}
          onChange={(v) => set("rdpClipboard", v)}
          error={fields.rdpClipboard}
        />
      </div>
    </>
  );
}
