"use client";

// The line a live page shows while its live updates are not flowing (reconnecting, or stopped); nothing otherwise.
import { liveStatusText, useLiveStatus } from "@/hooks/use-live-events";

export function LiveStatusNote() {
  const text = liveStatusText(useLiveStatus());
  if (!text) return null;
  return (
    <p role="status" className="text-sm text-amber-800">
      {text}
    </p>
  );
}
