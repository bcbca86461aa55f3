// OpenVPN's management interface (a unix socket or a loopback TCP port): list connected clients and kill the
// session of a revoked certificate. OpenVPN serves one management client at a time, so calls are serialised.
import { connect, type Socket } from "node:net";
import { withLock } from "@/server/cluster/lock";

export class ManagementError extends Error {}

export type ConnectedClient = {
  commonName: string;
  realAddress: string;
  virtualAddress: string;
  bytesReceived: number;
  bytesSent: number;
  connectedSince: string;
  clientId: string;
};

function open(target: string): Socket {
  if (target.startsWith("/")) return connect({ path: target });
  const m = /^(.+):(\d+)$/.exec(target);
  if (!m) throw new ManagementError(`Bad management address ${target}`);
  return connect({ host: m[1], port: Number(m[2]) });
}

/** Sends one command and returns the answer's lines (until END, SUCCESS: or ERROR:). */
export function managementCommand(target: string, command: string, timeoutMs = 4000): Promise<string[]> {
  if (/[\r\n]/.test(command)) return Promise.reject(new ManagementError("Bad management command"));
  return withLock(
    `vpn-management:${target}`,
    () =>
      new Promise<string[]>((resolve, reject) => {
        let socket: Socket;
        try {
          socket = open(target);
        } catch (error) {
          reject(error);
          return;
        }
        let buffer = "";
        let sent = false;
        const lines: string[] = [];
        const done = (error: Error | null) => {
          clearTimeout(timer);
          socket.removeAllListeners("data");
          socket.on("error", () => {});
          socket.end("quit\n");
          socket.destroy();
          if (error) reject(error);
          else resolve(lines);
        };
        const timer = setTimeout(
          () =>
            done(
              new ManagementError(`OpenVPN's management interface did not answer "${command.split(" ")[0]}" in time`),
            ),
          timeoutMs,
        );
        socket.on("error", (error) =>
          done(
            new ManagementError(
              `OpenVPN's management interface is not reachable (${(error as NodeJS.ErrnoException).code ?? error.message})`,
            ),
          ),
        );
        socket.setEncoding("utf8");
        socket.on("data", (chunk: string) => {
          buffer += chunk;
          let nl = buffer.indexOf("\n");
          while (nl >= 0) {
            const line = buffer.slice(0, nl).replace(/\r$/, "");
            buffer = buffer.slice(nl + 1);
            nl = buffer.indexOf("\n");
            if (!sent) {
              if (line.startsWith(">INFO:")) {
                sent = true;
                socket.write(`${command}\n`);
              }
              continue;
            }
            if (line.startsWith(">")) continue; // real-time notifications
            if (line === "END") return done(null);
            lines.push(line);
            if (line.startsWith("SUCCESS:")) return done(null);
            if (line.startsWith("ERROR:")) return done(null);
          }
        });
      }),
  );
}

/** "status 3" output (tab-separated, with HEADER lines naming the columns) → connected clients. */
export function parseStatus(lines: string[]): ConnectedClient[] {
  let header: string[] | null = null;
  const out: ConnectedClient[] = [];
  for (const line of lines) {
    const cols = line.split("\t");
    if (cols[0] === "HEADER" && cols[1] === "CLIENT_LIST") header = cols.slice(2);
    if (cols[0] !== "CLIENT_LIST") continue;
    const values = cols.slice(1);
    const get = (name: string, fallback: number) => values[header ? header.indexOf(name) : fallback] ?? "";
    out.push({
      commonName: get("Common Name", 0),
      realAddress: get("Real Address", 1),
      virtualAddress: get("Virtual Address", 2),
      bytesReceived: Number(get("Bytes Received", 4)) || 0,
      bytesSent: Number(get("Bytes Sent", 5)) || 0,
      connectedSince: (() => {
        const t = Number(get("Connected Since (time_t)", 7));
        return Number.isFinite(t) && t > 0 ? new Date(t * 1000).toISOString() : get("Connected Since", 6);
      })(),
      clientId: get("Client ID", 9),
    });
  }
  return out;
}

export async function connectedClients(target: string): Promise<ConnectedClient[]> {
  return parseStatus(await managementCommand(target, "status 3"));
}

/** Kills every session of a common name; returns how many were killed (0 when it was not connected). */
export async function killClient(target: string, commonName: string): Promise<number> {
  if (!/^[\w.@-]+$/.test(commonName)) throw new ManagementError("Bad common name");
  const lines = await managementCommand(target, `kill ${commonName}`);
  const m = /SUCCESS:.*?(\d+) client\(s\) killed/.exec(lines.join("\n"));
  return m ? Number(m[1]) : 0;
}
