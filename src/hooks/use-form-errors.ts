"use client";

// A form's validation state: the message per field (shown under it) and one message for the form (above the
// button). `check` shows what the page found itself; `refused` what the server answered. Both move focus to the
// first marked field.
import { useCallback, useState } from "react";
import type { ApiError } from "@/lib/api";
import { focusFirstInvalid } from "@/lib/focus";

export type FieldErrors = Record<string, string>;

export const CORRECT_MARKED = "Please correct the marked fields.";

export function useFormErrors() {
  const [fields, setFields] = useState<FieldErrors>({});
  const [error, setError] = useState<string | null>(null);

  /** Shows `found` (replacing earlier messages); true when there is nothing to correct. */
  const check = useCallback((form: HTMLElement | null, found: FieldErrors): boolean => {
    setFields(found);
    setError(null);
    if (Object.keys(found).length === 0) return true;
    focusFirstInvalid(form);
    return false;
  }, []);

  /** The server refused: its field messages go on the fields and the form asks to correct them, else the form shows
   *  the server's message. */
  const refused = useCallback((form: HTMLElement | null, failure: ApiError) => {
    const f = failure.fields ?? {};
    setFields(f);
    setError(Object.keys(f).length ? CORRECT_MARKED : failure.message);
    focusFirstInvalid(form);
  }, []);

  return { fields, setFields, error, setError, check, refused };
}
