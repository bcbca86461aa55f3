"use client";

// The banner that tells a student someone is watching their machine's console ("Ms X is watching your screen
// (view only)") or has taken it over; it disappears when the watcher leaves. Shown on the console page, the
// machine page and each card on My labs. Only the machine's owner ever hears of watchers (the server's audience).
import { useWatchers, watcherText } from "@/hooks/use-watchers";

export function WatchBanner({ machineId, className = "" }: { machineId: string; className?: string }) {
  const watchers = useWatchers(machineId);
  if (watchers.length === 0) return null;
  // one line per person and mode (a watcher with two tabs is one line)
  const lines = [...new Set(watchers.map(watcherText))];
  const takenOver = watchers.some((w) => !w.viewOnly);
  return (
    <div
      role="status"
      aria-live="polite"
      data-testid="watch-banner"
      className={`rounded-md border px-3 py-2 text-sm font-medium ${takenOver ? "border-amber-400 bg-amber-50 text-amber-900" : "border-brand-100 bg-brand-50 text-brand-700"} ${className}`}
    >
      {lines.map((line) => (
        <p key={line} className="break-words">
          {line}
        </p>
      ))}
    </div>
  );
}
