"use client";

// A machine's screen over VNC with noVNC's RFB. The portal answers the display's VNC authentication itself and
// offers this page "no authentication", so the page never sees a password. Every (re)connect first asks for a
// fresh ticket. The socket is opened here (not by noVNC) so the close code and reason can be shown.
import type RFB from "@novnc/novnc";
import { useCallback, useEffect, useId, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { useConsoleConnection } from "@/hooks/use-console-connection";
import { useFullscreen } from "@/hooks/use-fullscreen";
import { ClosedOverlay, ConsoleFrame, FullscreenButton, ReconnectButton } from "./console-frame";
import { type ConsoleProps, requestTicket, socketUrl, startFailure, statusTone } from "./console-shared";
import { KEY, type Key, strokesFor } from "./keysyms";

const COMBOS: { label: string; keys: Key[] }[] = [
  { label: "Ctrl+Alt+F1", keys: [KEY.ctrl, KEY.alt, KEY.f1] },
  { label: "Ctrl+Alt+F2", keys: [KEY.ctrl, KEY.alt, KEY.f2] },
  { label: "Alt+Tab", keys: [KEY.alt, KEY.tab] },
  { label: "Ctrl+C", keys: [KEY.ctrl, KEY.c] },
];

/** Pause between typed characters, so a guest's keyboard buffer keeps up. */
const TYPE_DELAY_MS = 12;

/** The on/off light of a toggle button (aria-pressed says the same to assistive technology). */
const Light = ({ on }: { on: boolean }) => (
  <span aria-hidden="true" className={`inline-block h-2 w-2 rounded-full ${on ? "bg-green-600" : "bg-slate-300"}`} />
);

export function VncConsole({ machineId, viewOnlyTicket, running }: ConsoleProps) {
  const wrapRef = useRef<HTMLDivElement>(null);
  const screenRef = useRef<HTMLDivElement>(null);
  const rfbRef = useRef<RFB | null>(null);
  const { generation, conn, setConn, reconnect, closed } = useConsoleConnection(running);
  const [scale, setScale] = useState(true);
  const [viewOnly, setViewOnly] = useState(viewOnlyTicket);
  const [forcedViewOnly, setForcedViewOnly] = useState(viewOnlyTicket);
  const [menuOpen, setMenuOpen] = useState(false);
  const [pasteOpen, setPasteOpen] = useState(false);
  const [pasteText, setPasteText] = useState("");
  const [typing, setTyping] = useState<{ done: number; total: number } | null>(null);
  const typingCancel = useRef<{ cancelled: boolean } | null>(null);
  const settings = useRef({ scale, viewOnly });
  settings.current = { scale, viewOnly };
  const menuId = useId();
  const menuRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    let cancelled = false;
    let rfb: RFB | null = null;
    let connectedAt = 0;
    void generation;
    setConn({ phase: "connecting", message: "Connecting…" });
    (async () => {
      const [res, mod] = await Promise.all([requestTicket(machineId, "vnc", viewOnlyTicket), import("@novnc/novnc")]);
      if (cancelled) return;
      if (!res.ok) {
        setConn({ phase: "closed", message: res.error.message });
        return;
      }
      const screen = screenRef.current;
      if (!screen) return;
      const ws = new WebSocket(socketUrl(res.data.url));
      let closeEvent: { code: number; reason: string } | null = null;
      // registered before noVNC's own handler, so the code is known when its "disconnect" event fires
      ws.addEventListener("close", (e) => {
        closeEvent = { code: e.code, reason: e.reason };
      });
      const RfbClass = mod.default;
      const instance = new RfbClass(screen, ws, { shared: true });
      rfb = instance;
      rfbRef.current = instance;
      setForcedViewOnly(res.data.viewOnly);
      if (res.data.viewOnly) setViewOnly(true);
      instance.background = "rgb(15, 23, 42)";
      instance.scaleViewport = settings.current.scale;
      instance.viewOnly = res.data.viewOnly || settings.current.viewOnly;
      instance.addEventListener("connect", () => {
        if (cancelled) return;
        connectedAt = Date.now();
        setConn({ phase: "connected", message: "Connected" });
        instance.focus({ preventScroll: true });
      });
      instance.addEventListener("disconnect", () => {
        if (rfbRef.current === instance) rfbRef.current = null;
        if (cancelled) return;
        const ce = closeEvent as { code: number; reason: string } | null;
        const lasted = connectedAt ? Date.now() - connectedAt : 0;
        if (ce) closed(ce.code, ce.reason, lasted);
        else
          setConn({
            phase: "closed",
            message: "The display sent something this page could not understand; the console was closed.",
          });
      });
    })().catch((error: unknown) => {
      if (!cancelled) setConn(startFailure(error));
    });
    return () => {
      cancelled = true;
      if (typingCancel.current) typingCancel.current.cancelled = true;
      if (rfb) {
        try {
          rfb.disconnect();
        } catch {
          // already gone
        }
      }
      rfbRef.current = null;
    };
  }, [machineId, viewOnlyTicket, generation, setConn, closed]);

  useEffect(() => {
    if (rfbRef.current) rfbRef.current.scaleViewport = scale;
  }, [scale]);

  useEffect(() => {
    if (rfbRef.current) rfbRef.current.viewOnly = viewOnly || forcedViewOnly;
  }, [viewOnly, forcedViewOnly]);

  // the keys menu closes on a click elsewhere and on Escape
  useEffect(() => {
    if (!menuOpen) return;
    const onPointer = (e: PointerEvent) => {
      if (!menuRef.current?.contains(e.target as Node | null)) setMenuOpen(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") setMenuOpen(false);
    };
    document.addEventListener("pointerdown", onPointer);
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("pointerdown", onPointer);
      document.removeEventListener("keydown", onKey);
    };
  }, [menuOpen]);

  const connected = conn.phase === "connected";
  const canType = connected && !viewOnly && !forcedViewOnly;

  const focusScreen = () => rfbRef.current?.focus({ preventScroll: true });

  const sendCombo = (keys: readonly Key[]) => {
    const rfb = rfbRef.current;
    setMenuOpen(false);
    if (!rfb) return;
    for (const k of keys) rfb.sendKey(k.keysym, k.code, true);
    for (const k of [...keys].reverse()) rfb.sendKey(k.keysym, k.code, false);
    focusScreen();
  };

  const { fullscreen, toggle: toggleFullscreen } = useFullscreen(wrapRef, focusScreen);

  const typeText = useCallback(async (text: string) => {
    const strokes = strokesFor(text);
    const token = { cancelled: false };
    typingCancel.current = token;
    setTyping({ done: 0, total: strokes.length });
    for (let i = 0; i < strokes.length; i++) {
      const rfb = rfbRef.current;
      const s = strokes[i];
      if (token.cancelled || !rfb || !s) break;
      if (s.shift) rfb.sendKey(KEY.shift.keysym, KEY.shift.code, true);
      rfb.sendKey(s.keysym, s.code, true);
      rfb.sendKey(s.keysym, s.code, false);
      if (s.shift) rfb.sendKey(KEY.shift.keysym, KEY.shift.code, false);
      if (i % 8 === 7 || i === strokes.length - 1) setTyping({ done: i + 1, total: strokes.length });
      await new Promise((r) => setTimeout(r, TYPE_DELAY_MS));
    }
    if (typingCancel.current === token) typingCancel.current = null;
    setTyping(null);
    rfbRef.current?.focus({ preventScroll: true });
  }, []);

  const stopTyping = () => {
    if (typingCancel.current) typingCancel.current.cancelled = true;
  };

  const submitPaste = () => {
    const text = pasteText;
    setPasteOpen(false);
    setPasteText("");
    if (text) void typeText(text);
  };

  return (
    <ConsoleFrame
      frameRef={wrapRef}
      status={typing ? `Typing… ${typing.done} of ${typing.total} characters` : conn.message}
      title={conn.message}
      tone={statusTone(conn)}
      state={conn.phase}
      tools={
        <>
          {typing && (
            <Button size="sm" variant="secondary" onClick={stopTyping}>
              Stop typing
            </Button>
          )}
          <Button
            size="sm"
            variant="secondary"
            aria-pressed={scale}
            onClick={() => setScale(!scale)}
            data-testid="vnc-scale"
          >
            <Light on={scale} />
            Scale to window
          </Button>
          <FullscreenButton fullscreen={fullscreen} onToggle={toggleFullscreen} testId="vnc-fullscreen" />
          <Button
            size="sm"
            variant="secondary"
            disabled={!canType}
            onClick={() => sendCombo([KEY.ctrl, KEY.alt, { keysym: 0xffff, code: "Delete" }])}
            data-testid="vnc-ctrl-alt-del"
          >
            Ctrl+Alt+Del
          </Button>
          <div ref={menuRef} className="relative">
            <Button
              size="sm"
              variant="secondary"
              disabled={!canType}
              aria-haspopup="menu"
              aria-expanded={menuOpen}
              aria-controls={menuId}
              onClick={() => setMenuOpen(!menuOpen)}
              data-testid="vnc-keys"
            >
              Keys ▾
            </Button>
            {menuOpen && (
              <div
                id={menuId}
                role="menu"
                aria-label="Send keys"
                className="absolute right-0 z-20 mt-1 w-44 rounded-md border border-slate-200 bg-white py-1 shadow-lg"
              >
                {COMBOS.map((c) => (
                  <button
                    key={c.label}
                    type="button"
                    role="menuitem"
                    className="block w-full px-3 py-1.5 text-left text-sm hover:bg-slate-100 focus:bg-slate-100"
                    onClick={() => sendCombo(c.keys)}
                  >
                    {c.label}
                  </button>
                ))}
              </div>
            )}
          </div>
          <Button
            size="sm"
            variant="secondary"
            disabled={!canType || typing !== null}
            onClick={() => setPasteOpen(true)}
            data-testid="vnc-paste-open"
          >
            Paste text as keystrokes
          </Button>
          <Button
            size="sm"
            variant="secondary"
            aria-pressed={viewOnly || forcedViewOnly}
            disabled={forcedViewOnly}
            title={forcedViewOnly ? "This console was opened view-only." : "Watch without sending keys or mouse"}
            onClick={() => setViewOnly(!viewOnly)}
            data-testid="vnc-view-only"
          >
            <Light on={viewOnly || forcedViewOnly} />
            View only
          </Button>
          <ReconnectButton onClick={reconnect} />
        </>
      }
    >
      <div className="relative min-h-0 flex-1">
        <div
          ref={screenRef}
          className="h-full w-full"
          data-testid="vnc-screen"
          data-connected={connected || undefined}
        />
        <ClosedOverlay conn={conn} onReconnect={reconnect} testId="vnc-closed" />
      </div>

      <Dialog
        open={pasteOpen}
        title="Paste text as keystrokes"
        onClose={() => setPasteOpen(false)}
        testId="vnc-paste-dialog"
        footer={
          <>
            <Button variant="secondary" onClick={() => setPasteOpen(false)}>
              Cancel
            </Button>
            <Button onClick={submitPaste} disabled={!pasteText} data-testid="vnc-paste-type">
              Type it
            </Button>
          </>
        }
      >
        <p>The text is typed into the machine key by key, as if on a US keyboard. A new line presses Return.</p>
        <label className="block">
          <span className="mb-1 block font-medium text-slate-900">Text to type</span>
          <textarea
            value={pasteText}
            onChange={(e) => setPasteText(e.target.value)}
            rows={5}
            spellCheck={false}
            autoCapitalize="off"
            autoComplete="off"
            className="block w-full rounded-md border border-slate-300 px-2 py-1.5 font-mono text-sm"
            data-testid="vnc-paste-text"
          />
        </label>
      </Dialog>
    </ConsoleFrame>
  );
}
