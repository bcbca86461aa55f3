// Labelled inputs with a hint and a validation message under the field (linked with aria-describedby).
import type { InputHTMLAttributes, ReactNode, Ref, SelectHTMLAttributes, TextareaHTMLAttributes } from "react";

const CONTROL = "mt-1 block w-full rounded-md border px-3 py-2 text-sm shadow-sm disabled:bg-slate-100";
const controlClass = (error?: string) =>
  `${CONTROL} ${error ? "border-red-500 bg-red-50" : "border-slate-300 bg-white"}`;

type Common = { id: string; label: ReactNode; error?: string; hint?: ReactNode; className?: string };

function describedBy(id: string, error?: string, hint?: ReactNode): string | undefined {
  const ids = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean);
  return ids.length ? ids.join(" ") : undefined;
}

function Messages({ id, error, hint }: { id: string; error?: string; hint?: ReactNode }) {
  return (
    <>
      {hint && (
        <p id={`${id}-hint`} className="mt-1 text-xs text-slate-500">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} className="mt-1 text-sm text-red-700" data-testid={`${id}-error`}>
          {error}
        </p>
      )}
    </>
  );
}

export function TextField({
  id,
  label,
  error,
  hint,
  className = "",
  ...input
}: Common & InputHTMLAttributes<HTMLInputElement> & { ref?: Ref<HTMLInputElement> }) {
  return (
    <div className={className}>
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      <input
        id={id}
        name={id}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, error, hint)}
        className={controlClass(error)}
        {...input}
      />
      <Messages id={id} error={error} hint={hint} />
    </div>
  );
}

export function SelectField({
  id,
  label,
  error,
  hint,
  className = "",
  children,
  ...select
}: Common & SelectHTMLAttributes<HTMLSelectElement> & { ref?: Ref<HTMLSelectElement> }) {
  return (
    <div className={className}>
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      <select
        id={id}
        name={id}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, error, hint)}
        className={controlClass(error)}
        {...select}
      >
        {children}
      </select>
      <Messages id={id} error={error} hint={hint} />
    </div>
  );
}

export function TextAreaField({
  id,
  label,
  error,
  hint,
  className = "",
  ...area
}: Common & TextareaHTMLAttributes<HTMLTextAreaElement> & { ref?: Ref<HTMLTextAreaElement> }) {
  return (
    <div className={className}>
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      <textarea
        id={id}
        name={id}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, error, hint)}
        className={`${controlClass(error)} font-mono`}
        {...area}
      />
      <Messages id={id} error={error} hint={hint} />
    </div>
  );
}

/** A list page's search box: labelled "Search", no autocomplete; `onValue` gets the text. */
export function SearchField({
  onValue,
  ...input
}: Omit<Common, "label"> &
  Omit<InputHTMLAttributes<HTMLInputElement>, "type" | "onChange"> & { onValue: (value: string) => void }) {
  return (
    <TextField label="Search" type="search" autoComplete="off" onChange={(e) => onValue(e.target.value)} {...input} />
  );
}

/**
 * A list page's filter: a select whose first option (value "", no filter) reads `all`, then `options` as
 * [value, label] pairs; `onValue` gets the chosen value.
 */
export function FilterSelect({
  onValue,
  all,
  options,
  ...select
}: Omit<Common, "error" | "hint"> &
  Omit<SelectHTMLAttributes<HTMLSelectElement>, "onChange" | "children"> & {
    onValue: (value: string) => void;
    all: string;
    options: readonly (readonly [value: string, label: string])[];
  }) {
  return (
    <SelectField onChange={(e) => onValue(e.target.value)} {...select}>
      <option value="">{all}</option>
      {options.map(([value, label]) => (
        <option key={value} value={value}>
          {label}
        </option>
      ))}
    </SelectField>
  );
}
