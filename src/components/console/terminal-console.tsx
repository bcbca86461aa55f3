"use client";

// A shell in the browser (exec into a container, later SSH) with xterm.js. The socket carries terminal bytes as
// binary frames both ways; text frames are JSON control messages: {"type":"resize"} from here, {"type":"exit"},
// {"type":"status"} and {"type":"auth"} (an SSH password prompt) from the portal. A password typed into the
// prompt is sent once and never kept.
//
// Terminals are shared (src/server/console/shared-terminal.ts): {"type":"replay"} comes before the current screen
// of a terminal that was already open (the page starts from a clean screen), and a view-only page gets the
// owner's size ({"type":"size"}) and keeps its terminal at that size so the lines wrap as on the student's.
import "@xterm/xterm/css/xterm.css";
import type { FitAddon } from "@xterm/addon-fit";
import type { Terminal } from "@xterm/xterm";
import { type FormEvent, useEffect, useId, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { useConsoleConnection } from "@/hooks/use-console-connection";
import { ConsoleFrame, ReconnectButton } from "./console-frame";
import { type ConsoleKind, requestTicket, socketUrl, startFailure, statusTone } from "./console-shared";

type ServerMessage = {
  type?: unknown;
  code?: unknown;
  prompt?: unknown;
  message?: unknown;
  cols?: unknown;
  rows?: unknown;
};

export function TerminalConsole({
  machineId,
  kind,
  viewOnlyTicket,
  running,
}: {
  machineId: string;
  kind: Extract<ConsoleKind, "exec" | "ssh">;
  viewOnlyTicket: boolean;
  running: boolean;
}) {
  const screenRef = useRef<HTMLDivElement>(null);
  const termRef = useRef<Terminal | null>(null);
  const wsRef = useRef<WebSocket | null>(null);
  /** The student's terminal size, which a view-only page follows instead of fitting its own window. */
  const fixedSize = useRef<{ cols: number; rows: number } | null>(null);
  const [ready, setReady] = useState(false);
  const { generation, conn, setConn, reconnect, closed } = useConsoleConnection(running);
  const [exited, setExited] = useState<{ code: number | null } | null>(null);
  const [authPrompt, setAuthPrompt] = useState<string | null>(null);
  /** A {"type":"status"} message from the portal (e.g. "Wrong password"), shown until the terminal moves on. */
  const [notice, setNotice] = useState<string | null>(null);
  const [password, setPassword] = useState("");
  const passwordId = useId();

  // the terminal itself: made once, kept across reconnects (so what was on screen stays)
  useEffect(() => {
    let disposed = false;
    let observer: ResizeObserver | null = null;
    let frame = 0;
    let term: Terminal | null = null;
    (async () => {
      const [{ Terminal: TerminalClass }, { FitAddon: FitClass }] = await Promise.all([
        import("@xterm/xterm"),
        import("@xterm/addon-fit"),
      ]);
      const el = screenRef.current;
      if (disposed || !el) return;
      term = new TerminalClass({
        cursorBlink: true,
        fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace',
        fontSize: 14,
        scrollback: 5000,
        theme: { background: "#0f172a", foreground: "#e2e8f0", cursor: "#e2e8f0", selectionBackground: "#334155" },
      });
      const fit: FitAddon = new FitClass();
      term.loadAddon(fit);
      term.open(el);
      const t = term;
      // copy and paste: Ctrl/Cmd+Shift+C copies the selection; Ctrl/Cmd+Shift+V is left to the browser, whose
      // paste event xterm turns into input (as it does for the context menu's Paste and Cmd+V)
      t.attachCustomKeyEventHandler((e) => {
        const mod = e.ctrlKey || e.metaKey;
        if (!mod || !e.shiftKey) return true;
        if (e.code === "KeyC") {
          if (e.type === "keydown" && t.hasSelection()) {
            e.preventDefault();
            void navigator.clipboard?.writeText(t.getSelection()).catch(() => {});
          }
          return false;
        }
        if (e.code === "KeyV") return false;
        return true;
      });
      const encoder = new TextEncoder();
      const send = (data: Uint8Array | string) => {
        const ws = wsRef.current;
        if (ws && ws.readyState === WebSocket.OPEN) ws.send(data);
      };
      t.onData((data) => send(encoder.encode(data)));
      t.onBinary((data) => send(Uint8Array.from(data, (c) => c.charCodeAt(0) & 0xff)));
      t.onResize(({ cols, rows }) => send(JSON.stringify({ type: "resize", cols, rows })));
      const refit = () => {
        cancelAnimationFrame(frame);
        frame = requestAnimationFrame(() => {
          try {
            const fixed = fixedSize.current;
            if (fixed) t.resize(fixed.cols, fixed.rows);
            else fit.fit();
          } catch {
            // not laid out (hidden): the next resize fits
          }
        });
      };
      observer = new ResizeObserver(refit);
      observer.observe(el);
      refit();
      termRef.current = t;
      setReady(true);
    })();
    return () => {
      disposed = true;
      observer?.disconnect();
      cancelAnimationFrame(frame);
      term?.dispose();
      termRef.current = null;
      setReady(false);
    };
  }, []);

  // the connection: a fresh ticket and socket per generation
  useEffect(() => {
    const term = termRef.current;
    if (!ready || !term) return;
    let cancelled = false;
    let ws: WebSocket | null = null;
    let connectedAt = 0;
    let shellEnded = false;
    let openTimer: ReturnType<typeof setTimeout> | undefined;
    void generation;
    setConn({ phase: "connecting", message: "Connecting…" });
    setExited(null);
    setAuthPrompt(null);
    setNotice(null);
    (async () => {
      const res = await requestTicket(machineId, kind, viewOnlyTicket);
      if (cancelled) return;
      if (!res.ok) {
        setConn({ phase: "closed", message: res.error.message });
        return;
      }
      term.options.disableStdin = res.data.viewOnly;
      const socket = new WebSocket(socketUrl(res.data.url));
      ws = socket;
      socket.binaryType = "arraybuffer";
      // a refusal completes the handshake and closes at once: "connected" only once the portal sent something
      // (a shell prints its prompt; SSH may ask for a password) or the socket stayed open for a moment
      const markConnected = () => {
        if (cancelled || connectedAt || socket.readyState !== WebSocket.OPEN) return;
        connectedAt = Date.now();
        setConn({ phase: "connected", message: res.data.viewOnly ? "Connected (view only)" : "Connected" });
      };
      socket.onopen = () => {
        if (cancelled) return;
        wsRef.current = socket;
        socket.send(JSON.stringify({ type: "resize", cols: term.cols, rows: term.rows }));
        term.focus();
        openTimer = setTimeout(markConnected, 1000);
      };
      socket.onmessage = (event) => {
        if (cancelled) return;
        markConnected();
        if (typeof event.data !== "string") {
          setNotice(null);
          term.write(new Uint8Array(event.data as ArrayBuffer));
          return;
        }
        let msg: ServerMessage;
        try {
          msg = JSON.parse(event.data) as ServerMessage;
        } catch {
          return;
        }
        if (msg.type === "exit") {
          shellEnded = true;
          setExited({ code: typeof msg.code === "number" ? msg.code : null });
        } else if (msg.type === "auth") {
          setAuthPrompt(typeof msg.prompt === "string" && msg.prompt.trim() ? msg.prompt : "Password");
        } else if (msg.type === "replay") {
          term.reset();
        } else if (msg.type === "size" && Number.isInteger(msg.cols) && Number.isInteger(msg.rows)) {
          const size = {
            cols: Math.min(Math.max(msg.cols as number, 2), 1000),
            rows: Math.min(Math.max(msg.rows as number, 2), 500),
          };
          fixedSize.current = size;
          term.resize(size.cols, size.rows);
        } else if (msg.type === "status" && typeof msg.message === "string" && msg.message.trim()) {
          setNotice(msg.message.trim().slice(0, 300));
        }
        // unknown messages: ignored
      };
      socket.onclose = (event) => {
        clearTimeout(openTimer);
        if (wsRef.current === socket) wsRef.current = null;
        if (cancelled) return;
        setAuthPrompt(null);
        if (shellEnded) {
          setConn({ phase: "closed", code: event.code, message: "The shell ended." });
          return;
        }
        closed(event.code, event.reason, connectedAt ? Date.now() - connectedAt : 0);
      };
    })().catch((error: unknown) => {
      if (!cancelled) setConn(startFailure(error));
    });
    return () => {
      cancelled = true;
      clearTimeout(openTimer);
      if (ws && (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING))
        ws.close(1000, "closed by the page");
      if (wsRef.current === ws) wsRef.current = null;
    };
  }, [ready, machineId, kind, viewOnlyTicket, generation, setConn, closed]);

  const startOver = () => {
    termRef.current?.write("\r\n\x1b[2m— new connection —\x1b[0m\r\n");
    reconnect();
  };

  const sendPassword = (e: FormEvent) => {
    e.preventDefault();
    const ws = wsRef.current;
    if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: "auth", password }));
    setPassword("");
    setAuthPrompt(null);
    setNotice(null);
    termRef.current?.focus();
  };

  const exitText = exited
    ? exited.code === null
      ? "The shell ended."
      : `The shell ended (code ${exited.code})`
    : null;

  return (
    <ConsoleFrame
      status={exitText ?? conn.message}
      tone={exitText ? "text-slate-800" : statusTone(conn)}
      state={exited ? "exited" : conn.phase}
      tools={
        <>
          {notice && (
            <span className="text-sm font-medium text-amber-800" role="alert" data-testid="terminal-notice">
              {notice}
            </span>
          )}
          <span className="hidden text-xs text-slate-500 lg:inline">
            Copy: select, then Ctrl+Shift+C · Paste: Ctrl+Shift+V
          </span>
          {exited ? (
            <Button size="sm" onClick={startOver} data-testid="terminal-new-shell">
              Start a new shell
            </Button>
          ) : (
            <ReconnectButton onClick={startOver} />
          )}
        </>
      }
    >
      {authPrompt !== null && (
        <form
          onSubmit={sendPassword}
          className="flex flex-wrap items-end gap-2 border-b border-slate-300 bg-amber-50 px-3 py-2"
          data-testid="terminal-auth"
        >
          <label htmlFor={passwordId} className="text-sm font-medium text-slate-900">
            {authPrompt}
          </label>
          <input
            id={passwordId}
            type="password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            autoComplete="off"
            // biome-ignore lint/a11y/noAutofocus: the prompt appears because the machine is asking for it now
            autoFocus
            className="min-w-0 flex-1 basis-40 rounded-md border border-slate-300 px-2 py-1 text-sm"
          />
          <Button size="sm" type="submit">
            Send
          </Button>
        </form>
      )}
      <div className="min-h-0 flex-1 p-1.5">
        <div ref={screenRef} className="h-full w-full" data-testid="terminal-screen" />
      </div>
    </ConsoleFrame>
  );
}
