// The live channel (/ws/events) for client components. One WebSocket per tab, shared by every subscriber through
// a module-level registry: it opens with the first subscriber, reconnects with backoff while anyone listens, and
// closes a moment after the last one leaves (so moving between pages does not drop and reopen it).
//
// Besides the server's own event types, subscribers may listen to "live.reconnected": sent when the socket opens
// again after a drop, so a page can reload what it may have missed meanwhile.
import { useEffect, useRef, useSyncExternalStore } from "react";

export type LiveEvent = { type: string; data: unknown };
export type LiveHandler = (data: unknown, type: string) => void;
export type LiveStatus = "idle" | "connecting" | "open" | "reconnecting" | "closed";

/** Sent to subscribers when the socket is back after a drop (events may have been missed). */
export const RECONNECTED = "live.reconnected";

type Subscriber = { types: ReadonlySet<string>; handler: LiveHandler };

const BACKOFF_MS = [1000, 2000, 4000, 8000, 15000, 30000];
const LINGER_MS = 5000;
/** Close codes after which trying again does not help (signed out, refused origin or role). */
// signed out, not allowed, another origin, must choose a password first (PASSWORD_CHANGE_REQUIRED)
const FINAL_CLOSE_CODES = new Set([4401, 4403, 4408, 4470]);

const subscribers = new Set<Subscriber>();
const statusListeners = new Set<() => void>();
let socket: WebSocket | null = null;
let status: LiveStatus = "idle";
let attempt = 0;
let everOpened = false;
let retryTimer: ReturnType<typeof setTimeout> | null = null;
let lingerTimer: ReturnType<typeof setTimeout> | null = null;

function setStatus(next: LiveStatus) {
  if (status === next) return;
  status = next;
  for (const listener of statusListeners) listener();
}

function dispatch(type: string, data: unknown) {
  for (const sub of [...subscribers]) {
    if (!sub.types.has(type)) continue;
    try {
      sub.handler(data, type);
    } catch (error) {
      console.error(`[live] handler for ${type} failed`, error);
    }
  }
}

function url(): string {
  return `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws/events`;
}

function connect() {
  if (socket || typeof window === "undefined") return;
  if (retryTimer) {
    clearTimeout(retryTimer);
    retryTimer = null;
  }
  setStatus(everOpened ? "reconnecting" : "connecting");
  let ws: WebSocket;
  try {
    ws = new WebSocket(url());
  } catch {
    scheduleRetry();
    return;
  }
  socket = ws;
  ws.onopen = () => {
    const wasOpen = everOpened;
    attempt = 0;
    everOpened = true;
    setStatus("open");
    if (wasOpen) dispatch(RECONNECTED, null);
  };
  ws.onmessage = (message) => {
    if (typeof message.data !== "string") return;
    let event: LiveEvent;
    try {
      event = JSON.parse(message.data) as LiveEvent;
    } catch {
      return;
    }
    if (event && typeof event.type === "string") dispatch(event.type, event.data);
  };
  ws.onclose = (close) => {
    if (socket !== ws) return;
    socket = null;
    if (subscribers.size === 0) {
      setStatus("idle");
      return;
    }
    if (FINAL_CLOSE_CODES.has(close.code)) {
      setStatus("closed");
      return;
    }
    scheduleRetry();
  };
  // onerror is always followed by onclose; the retry is scheduled there.
}

function scheduleRetry() {
  if (retryTimer || subscribers.size === 0) return;
  setStatus("reconnecting");
  const base = BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)] ?? 30000;
  attempt += 1;
  const delay = base / 2 + Math.random() * (base / 2);
  retryTimer = setTimeout(() => {
    retryTimer = null;
    connect();
  }, delay);
}

function disconnect() {
  if (retryTimer) {
    clearTimeout(retryTimer);
    retryTimer = null;
  }
  const ws = socket;
  socket = null;
  attempt = 0;
  setStatus("idle");
  if (ws && (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING))
    ws.close(1000, "No more listeners");
}

function onVisible() {
  // Back on the tab after a long backoff: try now instead of waiting for the timer.
  if (document.visibilityState === "visible" && !socket && subscribers.size > 0 && status !== "closed") {
    attempt = 0;
    connect();
  }
}

/** Adds a subscriber; returns the function that removes it. Usable outside React too. */
export function subscribeLive(types: readonly string[], handler: LiveHandler): () => void {
  const sub: Subscriber = { types: new Set(types), handler };
  subscribers.add(sub);
  if (lingerTimer) {
    clearTimeout(lingerTimer);
    lingerTimer = null;
  }
  if (subscribers.size === 1 && typeof document !== "undefined")
    document.addEventListener("visibilitychange", onVisible);
  if (!socket && status !== "closed") connect();
  return () => {
    subscribers.delete(sub);
    if (subscribers.size > 0) return;
    if (typeof document !== "undefined") document.removeEventListener("visibilitychange", onVisible);
    lingerTimer = setTimeout(() => {
      lingerTimer = null;
      if (subscribers.size === 0) disconnect();
    }, LINGER_MS);
  };
}

/**
 * Calls `handler(data, type)` for each live event of one of `types` while the component is mounted. The handler
 * may change between renders (the latest one is called); the subscription only changes when the types do.
 */
export function useLiveEvents(types: readonly string[], handler: LiveHandler): void {
  const handlerRef = useRef(handler);
  useEffect(() => {
    handlerRef.current = handler;
  });
  const key = [...types].sort().join("|");
  useEffect(() => {
    const list = key ? key.split("|") : [];
    return subscribeLive(list, (data, type) => handlerRef.current(data, type));
  }, [key]);
}

function subscribeStatus(listener: () => void) {
  statusListeners.add(listener);
  return () => {
    statusListeners.delete(listener);
  };
}

/** The state of the shared socket, for a small "live updates paused" note. */
export function useLiveStatus(): LiveStatus {
  return useSyncExternalStore(
    subscribeStatus,
    () => status,
    () => "idle",
  );
}

/** A short sentence for the page when live updates are not flowing, or null when all is well. */
export function liveStatusText(s: LiveStatus): string | null {
  if (s === "reconnecting") return "Live updates paused — reconnecting…";
  if (s === "closed") return "Live updates stopped. Reload the page (you may need to sign in again).";
  return null;
}
