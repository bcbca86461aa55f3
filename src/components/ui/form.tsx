// The pieces every form repeats: wiring a field to the form's values and error map, the error line above the
// buttons, and the Cancel + submit pair.
import type { ReactNode } from "react";
import { Alert } from "./alert";
import { Button } from "./button";

type Change = { target: { value: string } };

/**
 * `bind(key)` gives a field its value, its validation message and an onChange that stores the typed text through
 * `set`: `<TextField id="plan-name" label="Name" {...bind("name")} />`. Values that are not strings (a port kept as a
 * number) are shown with `String()`; `set` converts back.
 */
export function bindField<V extends object>(
  values: V,
  errors: Record<string, string | undefined>,
  set: (key: keyof V & string, value: string) => void,
) {
  return (key: keyof V & string) => ({
    value: String(values[key] ?? ""),
    error: errors[key],
    onChange: (e: Change) => set(key, e.target.value),
  });
}

/** `set` for `bindField` over a `useState` object: stores the text under the key. */
export function setterOf<V extends object>(setValues: (update: (old: V) => V) => void) {
  return (key: keyof V & string, value: string) => setValues((old) => ({ ...old, [key]: value }));
}

/** A form's or dialog's error, announced at once; nothing when there is none. */
export function FormError({ error, className = "" }: { error: ReactNode; className?: string }) {
  if (!error) return null;
  return (
    <p role="alert" className={`rounded-md bg-red-50 px-3 py-2 text-red-800 ${className}`.trimEnd()}>
      {error}
    </p>
  );
}

/**
 * Cancel (disabled while the form is busy) and the action button. Without `onSubmit` the action is the form's
 * submit button; with it, a plain button (a dialog footer outside the form).
 */
export function CancelAndSubmit({
  onCancel,
  pending,
  pendingLabel,
  onSubmit,
  tone = "primary",
  testId,
  children,
}: {
  onCancel: () => void;
  pending: boolean;
  pendingLabel?: string;
  onSubmit?: () => void;
  tone?: "primary" | "danger";
  testId?: string;
  children: ReactNode;
}) {
  return (
    <>
      <Button variant="secondary" onClick={onCancel} disabled={pending}>
        Cancel
      </Button>
      <Button
        type={onSubmit ? "button" : "submit"}
        variant={tone}
        onClick={onSubmit}
        pending={pending}
        pendingLabel={pendingLabel}
        data-testid={testId}
      >
        {children}
      </Button>
    </>
  );
}

/** The end of a form in a grid: its error (when there is one) and the submit button, each across the grid. */
export function ErrorAndSubmit({
  error,
  errorTestId,
  pending,
  pendingLabel,
  disabled,
  testId,
  span = "sm:col-span-2",
  children,
}: {
  error: string | null;
  errorTestId: string;
  pending: boolean;
  pendingLabel: string;
  disabled?: boolean;
  testId: string;
  span?: string;
  children: ReactNode;
}) {
  return (
    <>
      {error && (
        <Alert tone="error" className={span} testId={errorTestId}>
          {error}
        </Alert>
      )}
      <div className={span}>
        <Button type="submit" pending={pending} pendingLabel={pendingLabel} disabled={disabled} data-testid={testId}>
          {children}
        </Button>
      </div>
    </>
  );
}
