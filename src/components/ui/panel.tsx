// The panel a list page opens above the list for a "New …" form or an import: a heading, a Close button, the form.
import { type ReactNode, useCallback, useState } from "react";
import { Button, type ButtonProps } from "./button";

/** Whether the panel is open, and a `focusKey` bumped on every `show()` so the form moves focus to its first field even when the panel is already open. */
export function usePanel() {
  const [open, setOpen] = useState(false);
  const [focusKey, setFocusKey] = useState(0);
  const show = useCallback(() => {
    setOpen(true);
    setFocusKey((n) => n + 1);
  }, []);
  const hide = useCallback(() => setOpen(false), []);
  return { open, focusKey, show, hide };
}

/** `id` is what the opening button's aria-controls names; `closeLabel` the Close button's accessible name. `tight` when the content starts with its own text. */
export function FormPanel({
  id,
  title,
  headingId,
  closeLabel,
  onClose,
  tight = false,
  children,
}: {
  id: string;
  title: ReactNode;
  headingId?: string;
  closeLabel: string;
  onClose: () => void;
  tight?: boolean;
  children: ReactNode;
}) {
  return (
    <section id={id} className="rounded-lg border border-slate-200 bg-white p-4">
      <div className={`${tight ? "mb-1" : "mb-3"} flex items-center justify-between gap-2`}>
        <h2 id={headingId} className="font-semibold">
          {title}
        </h2>
        <Button variant="ghost" size="sm" onClick={onClose} aria-label={closeLabel}>
          Close
        </Button>
      </div>
      {children}
    </section>
  );
}

/** A list page's heading row: the h1 (with `headingId` for the list's aria-labelledby), an optional line under it,
 *  and the page's buttons on the right. */
export function PageHeader({
  title,
  headingId,
  description,
  children,
}: {
  title: ReactNode;
  headingId?: string;
  description?: ReactNode;
  children?: ReactNode;
}) {
  const heading = (
    <h1 id={headingId} className="text-2xl font-semibold">
      {title}
    </h1>
  );
  return (
    <div className="flex flex-wrap items-center justify-between gap-3">
      {description ? (
        <div>
          {heading}
          <p className="mt-1 text-sm text-slate-600">{description}</p>
        </div>
      ) : (
        heading
      )}
      {children}
    </div>
  );
}

/** The button that opens a `FormPanel`: says whether it is open and which panel (`controls`, the panel's id) it opens. */
export function OpenPanelButton({
  panel,
  controls,
  ...button
}: { panel: { open: boolean; show: () => void }; controls: string } & Omit<
  ButtonProps,
  "onClick" | "aria-expanded" | "aria-controls"
>) {
  return <Button aria-expanded={panel.open} aria-controls={controls} onClick={panel.show} {...button} />;
}
