"use client";

// What a machine's page shows while the machine is not there yet: "Loading the machine…", or why it could not be
// loaded (with Try again unless it was not found).
import { Alert } from "@/components/ui/alert";

export function MachineNotLoaded({
  error,
  onRetry,
}: {
  error: { status: number; message: string } | null;
  onRetry: () => unknown;
}) {
  if (!error)
    return (
      <p className="text-sm text-slate-600" role="status">
        Loading the machine…
      </p>
    );
  return (
    <Alert tone="error">
      {error.status === 404 ? "This machine was not found, or you may not see it." : error.message}{" "}
      {error.status !== 404 && (
        <button type="button" className="font-medium underline" onClick={() => void onRetry()}>
          Try again
        </button>
      )}
    </Alert>
  );
}
