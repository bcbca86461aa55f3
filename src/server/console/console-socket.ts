// /ws/machines/{id}/console?ticket=…: one path for every console kind. Before the WebSocket is accepted the
// ticket is consumed (single use, same user, this machine) and the target is resolved from the database and the
// provider — never from the client. Then: VNC through the TCP bridge (the bridge answers VNC authentication),
// exec through a Docker TTY. Each refusal closes with its own code from the error table.

import type { IncomingMessage } from "node:http";
import { connect, type Socket } from "node:net";
import type { WebSocket } from "ws";
import { allowed } from "@/lib/machine-states";
import type { Actor } from "@/server/auth/actor";
import { mayControlMachine } from "@/server/auth/permissions";
import { unseal } from "@/server/crypto/seal";
import { AppError } from "@/server/http/app-error";
import { CLIENT_IP_HEADER } from "@/server/http/client-ip";
import { loadMachine, type MachineWith, providerAndSpec } from "@/server/machines/machine-core";
import { observeConsoleOpen } from "@/server/metrics/record";
import type { DockerProvider } from "@/server/providers/docker/provider";
import { execBackend } from "./exec-terminal";
import { RfbInputFilter } from "./rfb-input-filter";
import { closeSession, type OpenSession, openSession } from "./sessions";
import { joinSharedTerminal } from "./shared-terminal";
import { DisplayInitWatch, SPICE_CHANNEL_DISPLAY } from "./spice-guard";
import { proxySpiceLink, SpiceRefused } from "./spice-link";
import { spicePasswordForBridge } from "./spice-password";
import { sshBackend } from "./ssh-terminal";
import { bridge } from "./tcp-bridge";
import { type ConsoleKind, consumeTicket, type SpiceGrant } from "./tickets";
import { authenticateToDisplay, greetBrowser } from "./vnc-auth";

export const CONSOLE_PATH = /^\/ws\/machines\/([A-Za-z0-9_-]{1,64})\/console$/;

export type ConsoleContext = {
  machine: MachineWith;
  kind: ConsoleKind;
  viewOnly: boolean;
  grant?: SpiceGrant;
  target: VncTarget | SpiceTarget | ExecTarget | SshTarget;
};
type VncTarget = { kind: "vnc"; host: string; port: number; password: string | null };
type SpiceTarget = { kind: "spice"; host: string; port: number; password: string | null };
type ExecTarget = { kind: "exec"; provider: DockerProvider; containerId: string; shell: string };
type SshTarget = { kind: "ssh"; host: string; port: number; user: string };

export async function prepareConsole(actor: Actor, req: IncomingMessage): Promise<ConsoleContext> {
  const url = new URL(req.url ?? "/", "http://placeholder");
  const machineId = CONSOLE_PATH.exec(url.pathname)?.[1] as string;
  const { kind, viewOnly, grant } = await consumeTicket(url.searchParams.get("ticket") ?? "", actor, machineId);
  const machine = await loadMachine(machineId).catch(() => {
    throw new AppError("TICKET_WRONG_MACHINE", "This machine no longer exists.");
  });
  if (!mayControlMachine(actor, machine)) throw new AppError("FORBIDDEN", "You no longer have access to this machine.");
  if (!allowed("console", machine.state)) throw new AppError("MACHINE_NOT_RUNNING");
  return { machine, kind, viewOnly, grant, target: await resolveTarget(machine, kind) };
}

async function resolveTarget(m: MachineWith, kind: ConsoleKind): Promise<ConsoleContext["target"]> {
  if (!m.host) throw new AppError("BACKEND_UNREACHABLE", "This machine has no host.");
  if (kind === "vnc" || kind === "spice") {
    // the ports recorded at start, else what the host reports now
    let port = kind === "vnc" ? m.vncPort : m.spicePort;
    if (!port) {
      const { provider } = await providerAndSpec(m);
      const display = await provider.displayInfo(m.providerRef ?? "");
      port = (kind === "vnc" ? display?.vncPort : display?.spicePort) ?? null;
    }
    if (!port) throw new AppError("CONSOLE_UNAVAILABLE", `This machine has no ${kind.toUpperCase()} display.`);
    const password =
      kind === "spice" ? await spicePasswordForBridge(m) : m.displaySecret ? unseal(m.displaySecret) : null;
    return { kind, host: m.host.consoleAddress, port, password };
  }
  if (kind === "exec") {
    const { provider, spec } = await providerAndSpec(m);
    // by kind, not instanceof: provider instances are shared between Next's bundle and server.ts, each with its own class
    if (provider.kind !== "DOCKER") throw new AppError("CONSOLE_UNAVAILABLE", "Only containers have an exec console.");
    const target = await provider.terminalTarget(
      m.providerRef ?? "",
      { ...spec, template: { ...spec.template, consoleKinds: ["exec"] } },
      null,
    );
    if (target?.kind !== "exec") throw new AppError("CONSOLE_UNAVAILABLE");
    return { kind: "exec", provider: provider as DockerProvider, containerId: target.containerId, shell: target.shell };
  }
  if (kind === "ssh") {
    const { provider, spec } = await providerAndSpec(m);
    const user = m.template?.sshUser ?? null;
    if (!user) throw new AppError("CONSOLE_UNAVAILABLE", "This machine's template names no SSH user.");
    const target = await provider.terminalTarget(
      m.providerRef ?? "",
      { ...spec, template: { ...spec.template, consoleKinds: ["ssh"] } },
      user,
    );
    if (target?.kind !== "ssh")
      throw new AppError("CONSOLE_UNAVAILABLE", "The machine has no network address yet — try again in a moment.");
    return { kind: "ssh", host: target.host, port: target.port, user };
  }
  throw new AppError("CONSOLE_UNAVAILABLE", `${String(kind).toUpperCase()} consoles are not available.`);
}

function dial(host: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new AppError("BACKEND_UNREACHABLE", "The machine's display did not answer."));
    }, 10_000);
    socket.once("connect", () => {
      clearTimeout(timer);
      // every later error has a listener (the handshake's and the bridge's come and go); close follows it
      socket.on("error", () => socket.destroy());
      resolve(socket);
    });
    socket.once("error", () => {
      clearTimeout(timer);
      reject(new AppError("BACKEND_UNREACHABLE"));
    });
  });
}

export function handleConsole(ws: WebSocket, actor: Actor, req: IncomingMessage, ctx: ConsoleContext): void {
  const ip = (req.headers[CLIENT_IP_HEADER] as string | undefined) ?? null;
  let session: OpenSession | null = null;
  let ended = false;
  // SPICE: all channel connections of one ticket are one session; it ends when the last channel closes
  const grant = ctx.kind === "spice" ? ctx.grant : undefined;
  const end = (code: number, reason: string) => {
    if (ended) return;
    ended = true;
    if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(code, reason.slice(0, 120));
    if (!grant && session) void closeSession(session, reason);
  };
  if (grant) {
    grant.sockets ??= new Set();
    grant.sockets.add(ws);
    ws.once("close", () => {
      grant.sockets?.delete(ws);
      // after this channel's bytes are added (its own close handler runs after this one)
      if (grant.sockets?.size === 0 && grant.session)
        setImmediate(() => grant.session && void closeSession(grant.session, "closed by the browser"));
    });
  }
  // hold what the browser sends until the console behind it is ready (each runner resumes once it listens)
  ws.pause();
  const started = performance.now();
  void (async () => {
    try {
      if (grant?.session) session = grant.session;
      else {
        const kick = grant
          ? (code: number, reason: string) => {
              for (const channel of grant.sockets ?? []) channel.close(code, reason.slice(0, 120));
            }
          : end;
        session = await openSession(
          actor,
          {
            machineId: ctx.machine.id,
            machineName: ctx.machine.name,
            ownerId: ctx.machine.ownerId,
            kind: ctx.kind,
            viewOnly: ctx.viewOnly,
            ip,
          },
          kick,
        );
        if (grant) grant.session = session;
      }
      if (ctx.target.kind === "vnc") await runVnc(ws, ctx.target, ctx.viewOnly, session, end);
      else if (ctx.target.kind === "spice") await runSpice(ws, ctx.target, ctx.viewOnly, ctx.grant, session, end);
      else {
        // terminals are shared per machine and kind: a watcher sees the student's own shell (shared-terminal.ts)
        const t = ctx.target;
        const open =
          t.kind === "ssh"
            ? sshBackend(t, { machineId: ctx.machine.id, privateKey: null })
            : execBackend(t.provider, t.containerId, t.shell);
        joinSharedTerminal(ws, { machineId: ctx.machine.id, kind: t.kind, viewOnly: ctx.viewOnly, session, end, open });
      }
      observeConsoleOpen(ctx.kind, "ok", started);
    } catch (error) {
      observeConsoleOpen(ctx.kind, "failed", started);
      const appError =
        error instanceof AppError ? error : new AppError("BACKEND_UNREACHABLE", (error as Error).message);
      end(appError.wsCloseCode, appError.message);
    }
  })();
  ws.on("close", () => end(1000, "closed by the browser"));
}

async function runVnc(
  ws: WebSocket,
  t: VncTarget,
  viewOnly: boolean,
  session: OpenSession,
  end: (code: number, reason: string) => void,
) {
  const tcp = await dial(t.host, t.port);
  try {
    const { leftover } = await authenticateToDisplay(tcp, t.password);
    const greeting = greetBrowser(ws);
    ws.resume();
    const client = await greeting;
    // view-only: the browser's stream (what it sent during the handshake too) is parsed message by message;
    // ClientInit/SetEncodings/update requests pass, input is dropped, an unknown message ends the console
    const filter = viewOnly ? new RfbInputFilter() : null;
    const filterInput = filter
      ? (chunk: Buffer) => {
          const { forward, refuse } = filter.push(chunk);
          if (refuse) end(1008, refuse);
          return refuse ? Buffer.alloc(0) : forward;
        }
      : undefined;
    const early = filterInput && client.leftover.length ? filterInput(client.leftover) : client.leftover;
    if (early.length) tcp.write(early);
    const stats = bridge(ws, tcp, { leftover, filterInput, onClose: (reason) => end(1000, reason) });
    stats.bytesIn += early.length;
    session.stats = stats;
  } catch (error) {
    tcp.destroy();
    throw error instanceof AppError ? error : new AppError("BACKEND_UNREACHABLE", (error as Error).message);
  }
}

/** One SPICE channel connection: the link exchange with the real password, then plain bytes. */
async function runSpice(
  ws: WebSocket,
  t: SpiceTarget,
  viewOnly: boolean,
  grant: SpiceGrant | undefined,
  session: OpenSession,
  end: (code: number, reason: string) => void,
) {
  const tcp = await dial(t.host, t.port);
  if (grant) {
    grant.open++;
    ws.once("close", () => {
      grant.open--;
      if (grant.open === 0) grant.until = Date.now() + 10_000;
    });
  }
  try {
    // view-only: the inputs channel (3) is refused before its link reaches the display
    const { toServer, toClient, channelType, miniHeader } = await proxySpiceLink(
      ws,
      tcp,
      t.password,
      (type) => viewOnly && type === 3,
    );
    if (toServer.length) tcp.write(toServer);
    // a display channel the browser leaves before DISPLAY_INIT would crash QEMU 7.2's SPICE server (spice-guard.ts)
    const watch = channelType === SPICE_CHANNEL_DISPLAY ? new DisplayInitWatch(miniHeader) : null;
    if (watch) {
      watch.push(toServer);
      ws.on("message", (data: Buffer) =>
        watch.push(Buffer.isBuffer(data) ? data : Buffer.from(data as unknown as ArrayBuffer)),
      );
    }
    const stats = bridge(ws, tcp, {
      leftover: toClient,
      onClose: (reason) => end(1000, reason),
      lastWords: watch ? () => watch.lastWords() : undefined,
    });
    // each channel adds its bytes to the session's
    ws.once("close", () => {
      session.stats.bytesIn += stats.bytesIn;
      session.stats.bytesOut += stats.bytesOut;
    });
  } catch (error) {
    tcp.destroy();
    if (error instanceof SpiceRefused) throw new AppError("CONSOLE_CLOSED", error.message);
    throw error instanceof AppError ? error : new AppError("BACKEND_UNREACHABLE", (error as Error).message);
  }
}
