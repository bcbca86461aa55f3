import type { ReactNode } from "react";

type Tone = "error" | "success" | "info" | "warning";
const TONES: Record<Tone, string> = {
  error: "border-red-200 bg-red-50 text-red-800",
  success: "border-green-200 bg-green-50 text-green-800",
  info: "border-brand-100 bg-brand-50 text-brand-700",
  warning: "border-amber-300 bg-amber-50 text-amber-900",
};

/** A message box; errors are announced at once (role=alert), the rest politely (role=status). */
export function Alert({
  tone = "info",
  children,
  className = "",
  testId,
}: {
  tone?: Tone;
  children: ReactNode;
  className?: string;
  testId?: string;
}) {
  return (
    <div
      role={tone === "error" ? "alert" : "status"}
      data-testid={testId}
      className={`rounded-md border px-3 py-2 text-sm ${TONES[tone]} ${className}`}
    >
      {children}
    </div>
  );
}

/** An error that a second attempt may cure (a list that did not load), with a "Try again" button after the message. */
export function RetryAlert({ children, onRetry }: { children: ReactNode; onRetry: () => unknown }) {
  return (
    <Alert tone="error">
      {children}{" "}
      <button type="button" className="font-medium underline" onClick={() => void onRetry()}>
        Try again
      </button>
    </Alert>
  );
}
