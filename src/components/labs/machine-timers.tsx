"use client";

// A lab card's timers: the idle shutdown countdown with "Keep running", and the lab time left this month.
// Counts down locally every second (corrected for the difference between this browser's clock and the
// portal's), follows "machine.timers" pushes, and loads again after a state change or a reconnect. Screen
// readers hear a calm, minute-by-minute version; the ticking digits are hidden from them.
import { useCallback, useEffect, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { RECONNECTED, useLiveEvents } from "@/hooks/use-live-events";
import { api } from "@/lib/api";
import type { TMachineTimers } from "@/server/quotas/timers";

export type MachineTimersValue = TMachineTimers;

/** "12:34" or "1:02:03". */
export function formatCountdown(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}

/** "2 h 13 min", "45 min", "1 min 05 s" (seconds only in the last ten minutes), "none". */
export function formatTimeLeft(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s === 0) return "none";
  if (s < 600) {
    const m = Math.floor(s / 60);
    return m > 0 ? `${m} min ${String(s % 60).padStart(2, "0")} s` : `${s} s`;
  }
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h} h ${m} min` : `${m} min`;
}

/** A coarse sentence for screen readers (changes at most once a minute). */
function spokenMinutes(seconds: number): string {
  const minutes = Math.ceil(Math.max(0, seconds) / 60);
  return minutes <= 1 ? "less than a minute" : `about ${minutes} minutes`;
}

type Props = {
  machineId: string;
  /** Timers loaded with the page (GET /api/machines/{id}/timers or machineTimers()); loaded here when absent. */
  initial?: MachineTimersValue | null;
  /** Show the "lab time left" line (a card that shows hours elsewhere can turn it off). */
  showHours?: boolean;
};

export function MachineTimers({ machineId, initial = null, showHours = true }: Props) {
  const [timers, setTimers] = useState<MachineTimersValue | null>(initial);
  // server clock − browser clock, measured when the timers arrived
  const [skewMs, setSkewMs] = useState(() => (initial ? Date.parse(initial.asOf) - Date.now() : 0));
  const [now, setNow] = useState(() => Date.now());
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const request = useRef(0);

  const accept = useCallback((t: MachineTimersValue) => {
    setTimers(t);
    setSkewMs(Date.parse(t.asOf) - Date.now());
    setNow(Date.now());
  }, []);

  const load = useCallback(async () => {
    const id = ++request.current;
    const res = await api<MachineTimersValue>(`/api/machines/${machineId}/timers`);
    if (id !== request.current) return;
    if (res.ok) accept(res.data);
  }, [machineId, accept]);

  useEffect(() => {
    if (!initial) void load();
  }, [initial, load]);

  const stateRef = useRef(timers?.state);
  useEffect(() => {
    stateRef.current = timers?.state;
  });
  useLiveEvents(["machine.timers", "machine.updated", RECONNECTED], (data, type) => {
    if (type === RECONNECTED) {
      void load();
      return;
    }
    const d = data as { machineId?: string; id?: string; state?: string };
    if (type === "machine.timers" && d.machineId === machineId) {
      request.current++; // a load already under way would bring older values
      accept(data as MachineTimersValue);
    } else if (type === "machine.updated" && d.id === machineId && d.state !== stateRef.current) {
      void load();
    }
  });

  const idleAt = timers?.idleShutdownAt ? Date.parse(timers.idleShutdownAt) : null;
  const counting = idleAt !== null || Boolean(timers?.hoursCounting && timers.hoursLeftSeconds !== null);
  useEffect(() => {
    if (!counting) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [counting]);

  if (!timers) return null;
  const serverNow = now + skewMs;
  const idleLeft = idleAt === null ? null : (idleAt - serverNow) / 1000;
  const elapsed = Math.max(0, (serverNow - Date.parse(timers.asOf)) / 1000);
  const hoursLeft =
    timers.hoursLeftSeconds === null
      ? null
      : Math.max(0, timers.hoursLeftSeconds - (timers.hoursCounting ? elapsed : 0));
  const canKeep = timers.state === "RUNNING" && timers.idleMinutes !== null;

  async function keepRunning() {
    setPending(true);
    setError(null);
    const res = await api<MachineTimersValue>(`/api/machines/${machineId}/keep-running`, { method: "POST" });
    setPending(false);
    if (res.ok) {
      request.current++;
      accept(res.data);
    } else {
      setError(res.error.message);
    }
  }

  const showIdle = idleLeft !== null;
  const showLeft = showHours && hoursLeft !== null;
  if (!showIdle && !showLeft && !error) return null;
  const low = hoursLeft !== null && hoursLeft <= 600;

  return (
    <div className="space-y-1 text-sm" data-testid="machine-timers">
      {showIdle && (
        <div className="flex flex-wrap items-center gap-2 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-amber-900">
          <span aria-hidden="true">
            {idleLeft > 0 ? (
              <>
                Shuts down in <span className="font-mono font-semibold tabular-nums">{formatCountdown(idleLeft)}</span>{" "}
                without a console
              </>
            ) : (
              "Shutting down: no console was open"
            )}
          </span>
          <span role="status" aria-live="polite" className="sr-only">
            {idleLeft > 0
              ? `Shuts down in ${spokenMinutes(idleLeft)} without a console.`
              : "Shutting down: no console was open."}
          </span>
          {canKeep && idleLeft > 0 && (
            <Button
              size="sm"
              variant="secondary"
              pending={pending}
              pendingLabel="Keeping…"
              onClick={() => void keepRunning()}
              className="ml-auto"
            >
              Keep running
            </Button>
          )}
        </div>
      )}
      {showLeft && (
        <p className={low ? "font-medium text-red-700" : "text-slate-600"}>
          <span aria-hidden="true">
            {hoursLeft > 0 ? `${formatTimeLeft(hoursLeft)} of lab time left` : "No lab time left this month"}
          </span>
          <span role="status" aria-live={low ? "polite" : "off"} className="sr-only">
            {hoursLeft > 0
              ? `${low ? spokenMinutes(hoursLeft) : formatTimeLeft(hoursLeft)} of lab time left this month.`
              : "No lab time left this month."}
          </span>
        </p>
      )}
      {error && (
        <p role="alert" className="text-red-700">
          {error}
        </p>
      )}
    </div>
  );
}
