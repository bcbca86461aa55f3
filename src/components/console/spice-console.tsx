"use client";

// A machine's screen over SPICE with spice-html5 (an npm dependency, LGPL-3.0, loaded only in the browser).
// spice-html5 opens one WebSocket per SPICE channel, all to the same ticket URL: the main channel first, then the
// display, inputs and cursor channels it learns about. The portal answers each channel's SPICE authentication with
// the real password, so the page sends an empty one and never sees it; a view-only ticket gets no inputs channel.
// Every (re)connect asks for a fresh ticket and stops the previous session.
import type { SpiceMainConn } from "@spice-project/spice-html5";
import { useEffect, useId, useLayoutEffect, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { useConsoleConnection } from "@/hooks/use-console-connection";
import { useFullscreen } from "@/hooks/use-fullscreen";
import { ClosedOverlay, ConsoleFrame, FullscreenButton, ReconnectButton } from "./console-frame";
import { CONNECTING, type ConsoleProps, requestTicket, socketUrl, startFailure, statusTone } from "./console-shared";

type SpiceModule = typeof import("@spice-project/spice-html5");

/** How long to wait for the main channel's close (it carries the portal's reason) after spice-html5 reported an error. */
const CLOSE_WAIT_MS = 1500;

/** spice-html5's own error messages, in words for the person looking at the console. */
function describeFailure(message: string | null): string {
  switch (message) {
    case "Connection refused.":
      return "The connection to the console could not be opened.";
    case "Bad password.":
    case "Permission denied.":
      return "The display refused the connection.";
    case "Connection timed out.":
      return "The display did not answer in time.";
    case "Unexpected protocol mismatch.":
      return "The display closed the connection while it was being set up.";
    case null:
    case "":
      return "The connection to the console was lost.";
    default:
      return message.startsWith("Unexpected close") ? "The connection to the console was lost." : message;
  }
}

const ignore = () => {};

/** Stops every channel of a session. The channels the main one opened have no error handler, so closing one that
 *  is still connecting would throw its error event from a socket listener: each is marked as closing (as stop()
 *  marks the main one) and gets a silent handler first. stop() throws when the screen element is already gone
 *  (it removes the canvas by id first); the main channel's socket is then closed directly. */
function stopQuietly(conn: SpiceMainConn | null) {
  if (!conn) return;
  for (const channel of [
    conn.display,
    conn.inputs,
    conn.cursor,
    ...(conn.extra_channels ?? []),
    ...(conn.ports ?? []),
  ]) {
    if (!channel) continue;
    channel.state = "closing";
    channel.onerror ??= ignore;
  }
  try {
    conn.stop();
  } catch {
    try {
      conn.cleanup();
    } catch {
      // already closed
    }
  }
}

export function SpiceConsole({ machineId, viewOnlyTicket, running }: ConsoleProps) {
  const wrapRef = useRef<HTMLDivElement>(null);
  const screenRef = useRef<HTMLDivElement>(null);
  const connRef = useRef<SpiceMainConn | null>(null);
  const modRef = useRef<SpiceModule | null>(null);
  // spice-html5 finds the screen with document.getElementById
  const screenId = `spice-screen-${useId().replace(/[^A-Za-z0-9_-]/g, "")}`;
  const { generation, conn, setConn, reconnect, closed } = useConsoleConnection(running);
  const [forcedViewOnly, setForcedViewOnly] = useState(viewOnlyTicket);

  useEffect(() => {
    let cancelled = false;
    let session: SpiceMainConn | null = null;
    let fallback: ReturnType<typeof setTimeout> | undefined;
    void generation;
    setConn(CONNECTING);
    (async () => {
      const [res, mod] = await Promise.all([
        requestTicket(machineId, "spice", viewOnlyTicket),
        import("@spice-project/spice-html5"),
      ]);
      if (cancelled) return;
      if (!res.ok) {
        setConn({ phase: "closed", message: res.error.message });
        return;
      }
      if (!screenRef.current) return;
      modRef.current = mod;
      setForcedViewOnly(res.data.viewOnly);
      const viewOnly = res.data.viewOnly;
      let connectedAt = 0;
      let settled = false;
      let failure: string | null = null;
      let closeInfo: { code: number; reason: string } | null = null;

      // the end of the session: stop all channels, then say why (the portal's close reason when it gave one)
      const settle = () => {
        if (settled || cancelled) return;
        settled = true;
        clearTimeout(fallback);
        stopQuietly(session);
        if (connRef.current === session) connRef.current = null;
        const lasted = connectedAt ? Date.now() - connectedAt : 0;
        const ci = closeInfo as { code: number; reason: string } | null;
        if (ci && (ci.reason.trim() || (ci.code !== 1000 && ci.code !== 1005))) closed(ci.code, ci.reason, lasted);
        else setConn({ phase: "closed", message: describeFailure(failure) });
      };

      const instance = new mod.SpiceMainConn({
        uri: socketUrl(res.data.url),
        screen_id: screenId,
        password: "",
        onsuccess: () => {
          if (cancelled || settled) return;
          connectedAt = Date.now();
          setConn({ phase: "connected", message: viewOnly ? "Connected (view only)" : "Connected" });
        },
        onerror: (error) => {
          if (cancelled || settled) return;
          failure ??= error instanceof Error ? error.message : null;
          // a SPICE-level refusal leaves the socket open: end now; otherwise the close (with its reason) follows
          if (closeInfo || session?.ws?.readyState === WebSocket.OPEN) settle();
          else fallback ??= setTimeout(settle, CLOSE_WAIT_MS);
        },
      });
      session = instance;
      connRef.current = instance;
      // registered after spice-html5's own listener: its onerror has run when this one sees the close
      instance.ws?.addEventListener("close", (event) => {
        closeInfo = { code: event.code, reason: event.reason };
        settle();
      });
    })().catch((error: unknown) => {
      if (!cancelled) setConn(startFailure(error));
    });
    return () => {
      cancelled = true;
      clearTimeout(fallback);
      stopQuietly(session);
      if (connRef.current === session) connRef.current = null;
    };
  }, [machineId, viewOnlyTicket, generation, setConn, closed, screenId]);

  // on unmount, stop while the screen element is still in the document (spice-html5 removes its canvas by id)
  useLayoutEffect(
    () => () => {
      stopQuietly(connRef.current);
      connRef.current = null;
    },
    [],
  );

  const connected = conn.phase === "connected";
  const canType = connected && !forcedViewOnly;

  const focusScreen = () => screenRef.current?.querySelector("canvas")?.focus({ preventScroll: true });

  const sendCtrlAltDel = () => {
    const session = connRef.current;
    const mod = modRef.current;
    if (!session || !mod) return;
    // spice-html5's sendCtrlAltDel uses the connection in the global `sc`: set only for the call
    const g = globalThis as unknown as { sc?: SpiceMainConn };
    const had = Object.hasOwn(g, "sc");
    const previous = g.sc;
    g.sc = session;
    try {
      mod.sendCtrlAltDel();
    } finally {
      if (had) g.sc = previous;
      else delete g.sc;
    }
    focusScreen();
  };

  const { fullscreen, toggle: toggleFullscreen } = useFullscreen(wrapRef, focusScreen);

  return (
    <ConsoleFrame
      frameRef={wrapRef}
      status={conn.message}
      tone={statusTone(conn)}
      state={conn.phase}
      tools={
        <>
          <FullscreenButton fullscreen={fullscreen} onToggle={toggleFullscreen} testId="spice-fullscreen" />
          <Button
            size="sm"
            variant="secondary"
            disabled={!canType}
            title={forcedViewOnly ? "This console was opened view-only." : undefined}
            onClick={sendCtrlAltDel}
            data-testid="spice-ctrl-alt-del"
          >
            Ctrl+Alt+Del
          </Button>
          <ReconnectButton onClick={reconnect} />
        </>
      }
    >
      <div className="relative flex min-h-0 flex-1 overflow-auto">
        {/* spice-html5 owns this element: it appends the display's canvas and sets its height and cursor */}
        <div
          ref={screenRef}
          id={screenId}
          className="m-auto w-fit [&>canvas]:block [&>canvas]:outline-none"
          data-testid="spice-screen"
          data-connected={connected || undefined}
        />
        <ClosedOverlay conn={conn} onReconnect={reconnect} testId="spice-closed" />
      </div>
    </ConsoleFrame>
  );
}
