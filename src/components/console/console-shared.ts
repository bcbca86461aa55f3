// What the VNC and terminal consoles share: which kinds a machine offers, fetching a ticket, the WebSocket URL,
// and the words for each close code (the same reasons as the server's error table, src/server/http/app-error.ts,
// which is server-only; the server also sends its own words as the close reason, preferred when present).
import { api } from "@/lib/api";
import { wsCloseMessage } from "@/lib/errors";

export type ConsoleKind = "vnc" | "spice" | "ssh" | "exec";
export const KIND_ORDER: readonly ConsoleKind[] = ["vnc", "exec", "ssh", "spice"];

export const KIND_LABELS: Record<ConsoleKind, string> = {
  vnc: "Screen (VNC)",
  exec: "Terminal",
  ssh: "SSH",
  spice: "SPICE",
};

export function isConsoleKind(value: unknown): value is ConsoleKind {
  return value === "vnc" || value === "spice" || value === "ssh" || value === "exec";
}

/** The kinds a machine offers: the template's list, filtered by what its kind can do (as the server does). */
export function offeredKinds(kind: "LIBVIRT" | "DOCKER", consoleKinds: readonly string[]): ConsoleKind[] {
  const possible: readonly ConsoleKind[] = kind === "LIBVIRT" ? ["vnc", "spice", "ssh"] : ["exec", "ssh"];
  return KIND_ORDER.filter((k) => possible.includes(k) && consoleKinds.includes(k));
}

export function consoleHref(machineId: string, kind: ConsoleKind, viewOnly = false): string {
  return `/machines/${encodeURIComponent(machineId)}/console?kind=${kind}${viewOnly ? "&view=1" : ""}`;
}

/** What the screen consoles (VNC, SPICE) are given by the console page. */
export type ConsoleProps = { machineId: string; viewOnlyTicket: boolean; running: boolean };

export type Ticket = { ticket: string; kind: string; viewOnly: boolean; expiresAt: string; url: string };

/** A fresh ticket (≤ 60 s, single use): asked for before every connect and reconnect. */
export async function requestTicket(machineId: string, kind: ConsoleKind, viewOnly: boolean) {
  return api<Ticket>(`/api/machines/${encodeURIComponent(machineId)}/console`, {
    method: "POST",
    json: { kind, viewOnly },
  });
}

/** The absolute ws(s) URL for a ticket's `url` (a path on this portal). */
export function socketUrl(path: string): string {
  return `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}${path}`;
}

// close codes outside the portal's error table (standard WebSocket ones)
const STANDARD_CLOSE_MESSAGES: Record<number, string> = {
  1000: "The console was closed.",
  1006: "The connection to the console was lost.",
};

/** Why a console socket closed, in words for the person looking at it. */
export function closeMessage(code: number, reason: string): string {
  if (reason.trim()) return reason.trim();
  return wsCloseMessage(code) ?? STANDARD_CLOSE_MESSAGES[code] ?? `The console closed (code ${code}).`;
}

/** Close codes after which one automatic reconnect (with a fresh ticket) is worth it. */
const RETRY_CODES = new Set([1001, 1006, 4462]);
export const shouldAutoReconnect = (code: number) => RETRY_CODES.has(code);

export type ConnState = { phase: "idle" | "connecting" | "connected" | "closed"; message: string; code?: number };

export const CONNECTING: ConnState = { phase: "connecting", message: "Connecting…" };

/** The state after setting a console up threw (the ticket request, loading the viewer, opening the socket). */
export function startFailure(error: unknown): ConnState {
  return {
    phase: "closed",
    message: `The console could not start: ${error instanceof Error ? error.message : String(error)}`,
  };
}

export function statusTone(state: ConnState): string {
  if (state.phase === "connected") return "text-green-800";
  if (state.phase === "closed") return "text-red-800";
  return "text-slate-700";
}
