"use client";

// Lab time running out: a toast on every portal page when the meter sends "hours.warning" (10 and 2 minutes
// left). One toast per machine (a newer warning replaces the older one); it stays until dismissed, and the last
// warning is announced at once to screen readers.
import { useState } from "react";
import { useLiveEvents } from "@/hooks/use-live-events";

export type HoursWarning = {
  machineId: string;
  machineName: string;
  className: string | null;
  secondsLeft: number;
  minutes?: number;
};

function minutesText(seconds: number): string {
  const minutes = Math.ceil(Math.max(0, seconds) / 60);
  return minutes <= 1 ? "less than a minute" : `${minutes} minutes`;
}

export function HoursWarnings() {
  const [warnings, setWarnings] = useState<HoursWarning[]>([]);

  useLiveEvents(["hours.warning"], (data) => {
    const w = data as HoursWarning;
    if (!w?.machineId) return;
    setWarnings((list) => [...list.filter((x) => x.machineId !== w.machineId), w]);
  });

  const dismiss = (machineId: string) => setWarnings((list) => list.filter((x) => x.machineId !== machineId));

  return (
    <section
      aria-label="Lab time warnings"
      className="pointer-events-none fixed right-4 bottom-4 z-50 flex w-[min(24rem,calc(100vw-2rem))] flex-col gap-2"
    >
      {warnings.map((w) => {
        const urgent = w.secondsLeft <= 120;
        return (
          <div
            key={w.machineId}
            role={urgent ? "alert" : "status"}
            data-testid="hours-warning"
            className={`pointer-events-auto rounded-md border px-4 py-3 text-sm shadow-lg ${urgent ? "border-red-300 bg-red-50 text-red-900" : "border-amber-300 bg-amber-50 text-amber-900"}`}
          >
            <div className="flex items-start gap-3">
              <p className="flex-1">
                <span className="font-semibold">{minutesText(w.secondsLeft)} of lab time left</span>
                {w.className ? ` in ${w.className}` : ""}. <span className="font-medium">{w.machineName}</span> will be
                shut down when it runs out — save your work.
              </p>
              <button
                type="button"
                onClick={() => dismiss(w.machineId)}
                className="rounded px-1 text-lg leading-none opacity-70 hover:opacity-100"
                aria-label={`Dismiss the lab time warning for ${w.machineName}`}
              >
                ×
              </button>
            </div>
          </div>
        );
      })}
    </section>
  );
}
