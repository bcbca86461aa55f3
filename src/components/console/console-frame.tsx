"use client";

// The frame every console draws: the dark box filling the page, a toolbar ("Console controls") that starts with
// the connection status (role=status, data-testid console-status) and then the console's own buttons, and the
// screen below it.
import type { ReactNode, Ref } from "react";
import { Button } from "@/components/ui/button";
import type { ConnState } from "./console-shared";

const FRAME =
  "flex h-[calc(100dvh-13rem)] min-h-[22rem] flex-col overflow-hidden rounded-lg border border-slate-300 bg-slate-900 md:h-[calc(100dvh-14rem)]";

export function ConsoleFrame({
  frameRef,
  status,
  title = status,
  tone,
  state,
  tools,
  children,
}: {
  frameRef?: Ref<HTMLDivElement>;
  /** the status line's text; `title` (its tooltip) when that should differ */
  status: string;
  title?: string;
  /** text colour of the status line */
  tone: string;
  /** data-state of the status line (the connection phase) */
  state: string;
  tools: ReactNode;
  children: ReactNode;
}) {
  return (
    <div ref={frameRef} className={FRAME}>
      <div
        className="flex flex-wrap items-center gap-1.5 border-b border-slate-300 bg-white px-2 py-1.5"
        role="toolbar"
        aria-label="Console controls"
      >
        <p
          className={`mr-auto min-w-0 flex-1 basis-48 text-sm break-words ${tone}`}
          data-testid="console-status"
          data-state={state}
          role="status"
          aria-live="polite"
          title={title}
        >
          {status}
        </p>
        {tools}
      </div>
      {children}
    </div>
  );
}

export function FullscreenButton({
  fullscreen,
  onToggle,
  testId,
}: {
  fullscreen: boolean;
  onToggle: () => Promise<void>;
  testId: string;
}) {
  return (
    <Button
      size="sm"
      variant="secondary"
      aria-pressed={fullscreen}
      onClick={() => void onToggle()}
      data-testid={testId}
    >
      {fullscreen ? "Exit fullscreen" : "Fullscreen"}
    </Button>
  );
}

/** The toolbar's Reconnect (a fresh ticket and a new connection). */
export function ReconnectButton({ onClick }: { onClick: () => void }) {
  return (
    <Button size="sm" variant="secondary" onClick={onClick} data-testid="console-reconnect">
      Reconnect
    </Button>
  );
}

/** Laid over the screen once the connection has ended: why, and Reconnect. */
export function ClosedOverlay({
  conn,
  onReconnect,
  testId,
}: {
  conn: ConnState;
  onReconnect: () => void;
  testId: string;
}) {
  if (conn.phase !== "closed") return null;
  return (
    <div
      className="absolute inset-0 flex flex-col items-center justify-center gap-3 bg-slate-900/85 p-6 text-center text-slate-100"
      data-testid={testId}
    >
      <p className="max-w-md text-sm">{conn.message}</p>
      <Button size="sm" onClick={onReconnect}>
        Reconnect
      </Button>
    </div>
  );
}
