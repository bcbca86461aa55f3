// The SSH terminal: the portal is the SSH client (ssh2), the browser gets the same terminal protocol as the exec
// console (binary frames = terminal bytes; JSON text frames for resize, auth, status and exit). It is a backend of
// a shared terminal (shared-terminal.ts): the password is asked from the viewer who opened it; everyone who
// watches or takes over later attaches to this authenticated shell and never authenticates again.
//
// Host keys are pinned on first use in Machine.sshHostKey ("<type> <base64>"); a different key is refused before
// any password is sent, until an admin resets it (resetHostKey). Passwords are asked from the browser, used for
// this one connection and never stored or logged.
//
// Timeouts: ssh2's own readyTimeout runs until authentication succeeds, which would include the time a person
// takes to type the password. So the 15 s limit is kept here and only runs while the portal waits for the
// machine (TCP connect, key exchange, each authentication round trip); waiting for the person has its own 60 s.

import { Client, type ClientChannel, type ConnectConfig } from "ssh2";
import { db } from "@/server/db/client";
import { ERRORS } from "@/server/http/app-error";
import type { Backend, BackendFactory, BackendHooks } from "./shared-terminal";

export type SshTarget = { host: string; port: number; user: string };
export type SshOptions = {
  machineId: string;
  privateKey?: string | null;
};

const READY_TIMEOUT_MS = 15_000;
const KEEPALIVE_MS = 20_000;
const PASSWORD_WAIT_MS = 60_000;
const MAX_PASSWORD_TRIES = 3;

/** "<type> <base64>" of an SSH wire-format public key blob (string type, then the key data). */
export function formatHostKey(blob: Buffer): string {
  const length = blob.length >= 4 ? blob.readUInt32BE(0) : 0;
  const type =
    length > 0 && length <= 64 && blob.length >= 4 + length
      ? blob.subarray(4, 4 + length).toString("latin1")
      : "unknown";
  return `${type} ${blob.toString("base64")}`;
}

/**
 * Compares the key with the pinned one; pins it when none is (only if the row still has none, so two first
 * connections racing cannot pin two different keys). True when the key may be trusted.
 */
async function checkHostKey(machineId: string, key: string): Promise<boolean> {
  const row = await db().machine.findUnique({ where: { id: machineId }, select: { sshHostKey: true } });
  if (!row) return false;
  if (row.sshHostKey === key) return true;
  if (row.sshHostKey !== null) return false;
  const pinned = await db().machine.updateMany({
    where: { id: machineId, sshHostKey: null },
    data: { sshHostKey: key },
  });
  if (pinned.count === 1) return true;
  const again = await db().machine.findUnique({ where: { id: machineId }, select: { sshHostKey: true } });
  return again?.sshHostKey === key;
}

/** For admins: forget the pinned host key; the next connection pins the key the machine shows then. */
export async function resetHostKey(machineId: string): Promise<void> {
  await db().machine.updateMany({ where: { id: machineId }, data: { sshHostKey: null } });
}

type AuthAttempt =
  | { type: "publickey"; username: string; key: string }
  | { type: "password"; username: string; password: string }
  | {
      type: "keyboard-interactive";
      username: string;
      prompt: (
        name: string,
        instructions: string,
        lang: string,
        prompts: { prompt: string; echo?: boolean }[],
        finish: (answers: string[]) => void,
      ) => void;
    };

/** A shared-terminal backend that connects, authenticates (asking the opener) and opens a shell. */
export function sshBackend(target: SshTarget, options: SshOptions): BackendFactory {
  return (size, hooks) => startSsh(target, options, size, hooks);
}

function startSsh(
  target: SshTarget,
  options: SshOptions,
  startSize: { cols: number; rows: number },
  hooks: BackendHooks,
): Backend {
  const client = new Client();
  let finished = false;
  let shell: ClientChannel | null = null;
  let size = { ...startSize };

  // the 15 s limit on waiting for the machine (see the top of the file)
  let readyTimer: NodeJS.Timeout | undefined;
  const machineClock = (running: boolean) => {
    clearTimeout(readyTimer);
    readyTimer = running
      ? setTimeout(
          () => finish(ERRORS.BACKEND_UNREACHABLE.ws, "The machine's SSH server did not answer in time."),
          READY_TIMEOUT_MS,
        )
      : undefined;
  };

  // a pending password question to the browser
  let passwordWaiter: { resolve: (password: string | null) => void; timer: NodeJS.Timeout } | null = null;
  const settlePassword = (password: string | null) => {
    const waiter = passwordWaiter;
    if (!waiter) return;
    passwordWaiter = null;
    clearTimeout(waiter.timer);
    waiter.resolve(password);
  };

  /** Ends the SSH connection once, and tells the shared terminal why (exitCode when the shell ended). */
  const finish = (code: number, reason: string, exitCode?: number | null) => {
    if (finished) return;
    finished = true;
    clearTimeout(readyTimer);
    settlePassword(null);
    try {
      shell?.destroy();
    } catch {
      // already gone
    }
    client.end();
    client.destroy();
    hooks.ended(code, reason, exitCode);
  };

  const sendJson = (message: Record<string, unknown>) => hooks.toOpener(message);

  const askPassword = (): Promise<string | null> =>
    new Promise((resolve) => {
      if (finished) return resolve(null);
      machineClock(false);
      sendJson({ type: "auth", prompt: `Password for ${target.user}@${target.host}` });
      passwordWaiter = {
        resolve: (password) => {
          if (password !== null) machineClock(true);
          resolve(password);
        },
        timer: setTimeout(() => {
          passwordWaiter = null;
          resolve(null);
          finish(ERRORS.CONSOLE_CLOSED.ws, "No password was entered in time. Open the console again to retry.");
        }, PASSWORD_WAIT_MS),
      };
    });

  // ---- host key
  let hostKeyRefused = false;
  const hostVerifier = (key: Buffer, verify: (valid: boolean) => void) => {
    const answer = (valid: boolean) => {
      try {
        verify(valid);
      } catch {
        // the connection is already being torn down
      }
    };
    checkHostKey(options.machineId, formatHostKey(key)).then(
      (trusted) => {
        if (trusted) return answer(!finished);
        // refused before authentication starts: no password is ever sent to this key
        hostKeyRefused = true;
        finish(ERRORS.HOST_KEY_CHANGED.ws, ERRORS.HOST_KEY_CHANGED.message);
        answer(false);
      },
      () => {
        finish(ERRORS.BACKEND_UNREACHABLE.ws, "The machine's SSH host key could not be checked.");
        answer(false);
      },
    );
  };

  // ---- authentication
  let authGaveUp: { code: number; reason: string } | null = null;
  let keyTried = false;
  let passwordTries = 0;
  let lastPassword: string | null = null;
  let lastMethod: "password" | "keyboard-interactive" | null = null;
  const interactive = (password: string): AuthAttempt => ({
    type: "keyboard-interactive",
    username: target.user,
    prompt: (_name, _instructions, _lang, prompts, answer) => answer(prompts.map(() => password)),
  });
  const giveUp = (code: number, reason: string): false => {
    authGaveUp = { code, reason };
    return false;
  };

  const nextAuth = async (methodsLeft: string[] | null): Promise<AuthAttempt | false> => {
    if (hostKeyRefused || finished) return false;
    if (options.privateKey && !keyTried) {
      keyTried = true;
      return { type: "publickey", username: target.user, key: options.privateKey };
    }
    const canPassword = !methodsLeft || methodsLeft.includes("password");
    const canInteractive = !methodsLeft || methodsLeft.includes("keyboard-interactive");
    if (!canPassword && !canInteractive) {
      return giveUp(
        ERRORS.CONSOLE_UNAVAILABLE.ws,
        "The machine's SSH server does not accept passwords (it accepts only keys).",
      );
    }
    // the server does not take the method just tried (not a wrong password): same password, other method
    if (lastPassword !== null && lastMethod === "password" && !canPassword && canInteractive) {
      lastMethod = "keyboard-interactive";
      return interactive(lastPassword);
    }
    if (lastPassword !== null) {
      lastPassword = null;
      if (passwordTries >= MAX_PASSWORD_TRIES) {
        sendJson({ type: "status", message: "Wrong password" });
        return giveUp(
          ERRORS.CONSOLE_CLOSED.ws,
          `Wrong password ${MAX_PASSWORD_TRIES} times. Open the console again to retry.`,
        );
      }
      sendJson({ type: "status", message: "Wrong password" });
    }
    const password = await askPassword();
    if (password === null || finished) return false;
    passwordTries++;
    lastPassword = password;
    lastMethod = canPassword ? "password" : "keyboard-interactive";
    return lastMethod === "password" ? { type: "password", username: target.user, password } : interactive(password);
  };

  const authHandler = (
    methodsLeft: string[] | null,
    _partial: boolean | null,
    callback: (next: AuthAttempt | false) => void,
  ) => {
    nextAuth(methodsLeft).then(callback, () => callback(false));
  };

  // ---- connection
  client.on("error", (error: Error & { level?: string }) => {
    if (finished) return;
    if (authGaveUp) return finish(authGaveUp.code, authGaveUp.reason);
    if (error.level === "client-authentication") {
      return finish(ERRORS.CONSOLE_CLOSED.ws, "The machine refused the login. Open the console again to retry.");
    }
    const code = (error as { code?: unknown }).code;
    const detail = typeof code === "string" ? code : error.message;
    finish(ERRORS.BACKEND_UNREACHABLE.ws, `The machine's SSH server could not be reached (${detail}).`);
  });
  client.on("close", () => finish(ERRORS.BACKEND_UNREACHABLE.ws, "The SSH connection to the machine closed."));

  client.on("ready", () => {
    machineClock(true);
    lastPassword = null;
    client.shell({ term: "xterm-256color", cols: size.cols, rows: size.rows }, (error, stream) => {
      machineClock(false);
      if (finished) {
        stream?.destroy();
        return;
      }
      if (error) return finish(ERRORS.BACKEND_UNREACHABLE.ws, `The machine did not open a shell (${error.message}).`);
      shell = stream;
      let exitCode: number | null = null;
      const output = (chunk: Buffer) => {
        if (!finished) hooks.output(chunk);
      };
      stream.on("data", output);
      stream.stderr.on("data", output);
      stream.on("exit", (code: number | null) => {
        exitCode = typeof code === "number" ? code : null;
      });
      stream.on("close", () => finish(1000, "The shell ended.", exitCode));
      stream.on("error", () => finish(ERRORS.BACKEND_UNREACHABLE.ws, "The SSH shell failed."));
      // the size the browser has now (it may have changed while connecting); then keystrokes typed meanwhile
      if (size.cols !== startSize.cols || size.rows !== startSize.rows) stream.setWindow(size.rows, size.cols, 0, 0);
      hooks.ready();
    });
  });

  const config: ConnectConfig = {
    host: target.host,
    port: target.port,
    username: target.user,
    // our own clock instead (see the top of the file)
    readyTimeout: 0,
    keepaliveInterval: KEEPALIVE_MS,
    keepaliveCountMax: 3,
    hostVerifier: hostVerifier as ConnectConfig["hostVerifier"],
    authHandler: authHandler as unknown as ConnectConfig["authHandler"],
  };
  machineClock(true);
  client.connect(config);

  return {
    write: (chunk) => {
      shell?.write(chunk);
    },
    resize: (cols, rows) => {
      size = { cols, rows };
      shell?.setWindow(rows, cols, 0, 0);
    },
    pause: () => shell?.pause(),
    resume: () => shell?.resume(),
    control: (msg) => {
      if (msg.type === "auth" && typeof msg.password === "string" && msg.password.length <= 1024)
        settlePassword(msg.password);
    },
    close: () => finish(1000, "The terminal was closed."),
  };
}
