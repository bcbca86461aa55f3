"use client";

// Per-row result lines of a list: what the last action on a row did, or why it failed. A row shows one of the two.
import { useCallback, useState } from "react";

type Messages = Record<string, string>;

const without = (all: Messages, id: string): Messages => {
  const { [id]: _, ...rest } = all;
  return rest;
};

export function useRowMessages() {
  const [errors, setErrors] = useState<Messages>({});
  const [notes, setNotes] = useState<Messages>({});

  /** Shows `text` on row `id` as a note (or, with `isError`, as its error) and clears the other kind; null clears. */
  const show = useCallback((id: string, text: string | null, isError = false) => {
    const [setter, other] = isError ? [setErrors, setNotes] : [setNotes, setErrors];
    other((all) => without(all, id));
    setter((all) => (text ? { ...without(all, id), [id]: text } : without(all, id)));
  }, []);

  /** Clears both lines of row `id` (an action starts). */
  const clear = useCallback((id: string) => {
    setErrors((all) => without(all, id));
    setNotes((all) => without(all, id));
  }, []);

  return { errors, notes, show, clear };
}
