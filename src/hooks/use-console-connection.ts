"use client";

// The connection bookkeeping both consoles share: a generation number that a (re)connect bumps (each connect
// asks for a fresh ticket), the status shown above the screen, and the reconnect policy: once automatically after
// an expired ticket, a dropped connection (1006) or a portal restart (1001); never after a refusal (signed out,
// no permission, not running, not offered, …). After a connection that lasted a while, the one retry is earned back.
import { useCallback, useEffect, useRef, useState } from "react";
import { CONNECTING, type ConnState, closeMessage, shouldAutoReconnect } from "@/components/console/console-shared";

const EARN_BACK_MS = 15_000;

type TimerRef = { current: ReturnType<typeof setTimeout> | null };
function clearTimer(timer: TimerRef) {
  if (timer.current) clearTimeout(timer.current);
  timer.current = null;
}

export function useConsoleConnection(running: boolean) {
  const [generation, setGeneration] = useState(0);
  const [conn, setConn] = useState<ConnState>(CONNECTING);
  const autoRetried = useRef(false);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const reconnect = useCallback(() => {
    clearTimer(timer);
    autoRetried.current = false;
    setConn(CONNECTING);
    setGeneration((g) => g + 1);
  }, []);

  /** A socket closed (not by us). Schedules the one automatic reconnect or shows why it ended. */
  const closed = useCallback((code: number, reason: string, connectedMs: number) => {
    if (connectedMs >= EARN_BACK_MS) autoRetried.current = false;
    if (shouldAutoReconnect(code) && !autoRetried.current) {
      autoRetried.current = true;
      setConn({
        phase: "connecting",
        code,
        message: code === 1006 ? "The connection dropped — reconnecting…" : closeMessage(code, reason),
      });
      clearTimer(timer);
      timer.current = setTimeout(() => setGeneration((g) => g + 1), code === 1001 ? 3000 : 500);
      return;
    }
    setConn({ phase: "closed", code, message: closeMessage(code, reason) });
  }, []);

  useEffect(() => () => clearTimer(timer), []);

  // a machine that comes back to running (started again, reboot finished) gets its console back by itself
  const wasRunning = useRef(running);
  useEffect(() => {
    if (running && !wasRunning.current && conn.phase === "closed") reconnect();
    wasRunning.current = running;
  }, [running, conn.phase, reconnect]);

  return { generation, conn, setConn, reconnect, closed };
}
