// Docker provider (dockerode): local socket, tcp+TLS or ssh endpoints. Containers get CPU and memory limits,
// no privileges, no host network, the portal's labels, a per-class bridge network and ports published on the
// host's publish address (127.0.0.1 unless an admin opens it). Revert = re-create from the template image.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Docker from "dockerode";
import { capabilitiesFor } from "@/lib/docker-capabilities";
import { dockerUriProblem } from "@/server/hosts/uri";
import {
  applyIsolation,
  dockerLabBridges,
  isLocalHost,
  isolationError,
  REMOTE_WARNING,
  registerDockerSource,
} from "../isolation";
import { localMachineStats } from "../local-stats";
import {
  type CapturedImage,
  type Created,
  type DisplayInfo,
  type HostProbe,
  type HostStats,
  type HostTarget,
  type InventoryItem,
  type MachineProvider,
  type MachineSpec,
  type MachineStats,
  names,
  ProviderError,
  type ProviderEvent,
  type ProviderState,
  type StartResult,
  type TerminalTarget,
  type Watcher,
} from "../types";

export const LABEL = "lab-portal.machine";
export const MANAGED = "lab-portal.managed";
const DEFAULT_NETWORK = "lab-portal";
/** Keeps a container without a command of its own alive, and stops at once on SIGTERM. */
const IDLE_COMMAND = ["/bin/sh", "-c", "trap 'exit 0' TERM INT; while :; do sleep 3600 & wait $!; done"];

/** Containers drop every capability and get back a minimal set plus the template's allowed extras (lib/docker-capabilities). */
export { capabilitiesFor, DEFAULT_CAPABILITIES, EXTRA_CAPABILITIES } from "@/lib/docker-capabilities";

export function dockerOptions(host: Pick<HostTarget, "uri" | "tlsDir">): Docker.DockerOptions {
  const uri = host.uri.trim();
  const refused = dockerUriProblem(uri);
  if (refused) throw new ProviderError("INVALID", refused);
  if (uri.startsWith("unix://")) return { socketPath: uri.slice("unix://".length) };
  const url = new URL(uri);
  if (url.protocol === "ssh:") {
    // the key: ?keyfile=/path (like libvirt's URIs), else DOCKER_SSH_KEY_FILE, else the ssh agent
    const keyFile = url.searchParams.get("keyfile") ?? process.env.DOCKER_SSH_KEY_FILE;
    const fingerprint = url.searchParams.get("fingerprint")?.replace(/ /g, "+") ?? null;
    return {
      protocol: "ssh",
      host: url.hostname,
      port: Number(url.port || 22),
      username: decodeURIComponent(url.username || "root"),
      sshOptions: {
        ...(keyFile ? { privateKey: readFileSync(keyFile) } : { agent: process.env.SSH_AUTH_SOCK }),
        // ?fingerprint=SHA256:… pins the host key (as `ssh-keygen -lf` prints it); a different key is refused
        ...(fingerprint ? { hostVerifier: (key: Buffer) => sshFingerprint(key) === fingerprint } : {}),
      },
    } as Docker.DockerOptions;
  }
  if (url.protocol === "tcp:" || url.protocol === "https:" || url.protocol === "http:") {
    const tls = url.protocol !== "http:" && Boolean(host.tlsDir);
    return {
      protocol: tls ? "https" : "http",
      host: url.hostname,
      port: Number(url.port || (tls ? 2376 : 2375)),
      ...(tls && host.tlsDir
        ? {
            ca: readFileSync(join(host.tlsDir, "ca.pem")),
            cert: readFileSync(join(host.tlsDir, "cert.pem")),
            key: readFileSync(join(host.tlsDir, "key.pem")),
          }
        : {}),
    };
  }
  throw new ProviderError(
    "INVALID",
    `Unsupported Docker endpoint ${uri}: use unix:///var/run/docker.sock, tcp://host:2376 (TLS) or ssh://user@host.`,
  );
}

/** OpenSSH's SHA256 fingerprint of a raw host key: "SHA256:" + unpadded base64 of its SHA-256. */
export function sshFingerprint(key: Buffer): string {
  return `SHA256:${createHash("sha256").update(key).digest("base64").replace(/=+$/, "")}`;
}

export function mapContainerState(status: string | undefined): ProviderState {
  switch (status) {
    case "running":
    case "restarting":
      return "running";
    case "paused":
      return "paused";
    default:
      return "stopped";
  }
}

function toProviderError(error: unknown, uri: string): ProviderError {
  if (error instanceof ProviderError) return error;
  const e = error as { statusCode?: number; code?: string; message?: string; json?: { message?: string } };
  const message = e.json?.message ?? e.message ?? String(error);
  if (
    e.code === "ECONNREFUSED" ||
    e.code === "ENOENT" ||
    e.code === "EHOSTUNREACH" ||
    e.code === "ETIMEDOUT" ||
    e.code === "ENOTFOUND" ||
    e.code === "EACCES"
  ) {
    return new ProviderError("UNREACHABLE", `Cannot connect to Docker at ${uri}: ${e.code}`, message);
  }
  if (/verification failed|Host denied/i.test(message))
    return new ProviderError(
      "UNREACHABLE",
      `The SSH host key of ${uri.split("?")[0]} does not match the pinned fingerprint: refused.`,
      message,
    );
  if (/All configured authentication methods failed|authentication/i.test(message))
    return new ProviderError("UNREACHABLE", `SSH sign-in to ${uri.split("?")[0]} failed: ${message}`);
  if (e.statusCode === 404) return new ProviderError("NOT_FOUND", message);
  if (e.statusCode === 409) return new ProviderError("CONFLICT", message);
  if (/no space left/i.test(message)) return new ProviderError("NO_SPACE", `The host's disk is full: ${message}`);
  return new ProviderError("FAILED", message);
}

export class DockerProvider implements MachineProvider {
  readonly kind = "DOCKER" as const;
  private readonly docker: Docker;
  private readonly networksReady = new Set<string>();
  private readonly networksPending = new Map<string, Promise<void>>();

  constructor(readonly host: HostTarget) {
    const options = dockerOptions(host);
    // docker-modem's ssh transport has no socket timeouts (setting one throws); ssh2 keeps its own keepalive
    this.docker = new Docker(options.protocol === "ssh" ? options : { ...options, timeout: 120_000 });
    // on this machine the portal's networks are firewalled from the host and from each other (isolation.ts)
    if (isLocalHost(host)) registerDockerSource(`docker:${host.uri.trim()}`, () => this.labBridges());
  }

  /** The bridges of the portal's networks on this endpoint. */
  async labBridges(): Promise<string[]> {
    return this.call(() => dockerLabBridges(this.docker));
  }

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw toProviderError(error, this.host.uri);
    }
  }

  async probe(): Promise<HostProbe> {
    const info = await this.call(
      () =>
        this.docker.info() as Promise<{
          ServerVersion: string;
          NCPU: number;
          MemTotal: number;
          SecurityOptions?: string[];
        }>,
    );
    const warnings: string[] = [];
    if (/^ssh:/.test(this.host.uri) && !/[?&]fingerprint=/.test(this.host.uri))
      warnings.push("The SSH host key is not pinned: add ?fingerprint=SHA256:… (ssh-keygen -lf) to the URI.");
    if (!isLocalHost(this.host)) warnings.push(REMOTE_WARNING);
    else {
      const failed = isolationError();
      if (failed) warnings.push(failed);
    }
    return {
      version: `Docker ${info.ServerVersion}`,
      vcpus: info.NCPU,
      memoryMb: Math.floor(info.MemTotal / 1024 / 1024),
      warnings,
    };
  }

  async prepareTemplate(template: { id: string; dockerImage?: string | null }): Promise<{ volume: string }> {
    const image = template.dockerImage;
    if (!image) throw new ProviderError("INVALID", "This template names no Docker image.");
    try {
      await this.docker.getImage(image).inspect();
    } catch (error) {
      const e = toProviderError(error, this.host.uri);
      if (e.reason === "NOT_FOUND")
        throw new ProviderError(
          "NOT_FOUND",
          `The image ${image} is not on host ${this.host.name}. Load it there first (docker load or docker import).`,
        );
      throw e;
    }
    return { volume: image };
  }

  async removeTemplate(): Promise<void> {
    // Images are the admin's to manage on the host; the portal never deletes them.
  }

  private readonly imageHasCmd = new Map<string, boolean>();

  /** The template's command, else the image's own CMD, else an idle init that keeps the container up. */
  private async command(image: string, command: string[] | null | undefined): Promise<string[] | undefined> {
    if (command && command.length > 0) return command;
    let has = this.imageHasCmd.get(image);
    if (has === undefined) {
      const info = await this.call(() => this.docker.getImage(image).inspect());
      const cmd = info.Config?.Cmd ?? [];
      const entry = info.Config?.Entrypoint ?? [];
      // an image whose command is just an interactive shell (debian, ubuntu, …) would exit at once without a TTY
      const bareShell =
        entry.length === 0 && cmd.length === 1 && /^(\/usr)?(\/bin\/)?(ba|a|z|da)?sh$/.test(cmd[0] ?? "");
      has = (cmd.length > 0 || entry.length > 0) && !bareShell;
      this.imageHasCmd.set(image, has);
    }
    return has ? undefined : IDLE_COMMAND;
  }

  private containerOptions(spec: MachineSpec, cmd: string[] | undefined): Docker.ContainerCreateOptions {
    const t = spec.template;
    if (!t.dockerImage) throw new ProviderError("INVALID", "This template names no Docker image.");
    const ports: Record<string, { HostIp: string; HostPort: string }[]> = {};
    if (t.consoleKinds.includes("ssh"))
      ports[`${t.sshPort}/tcp`] = [{ HostIp: this.host.publishAddress, HostPort: "" }];
    if (t.consoleKinds.includes("rdp"))
      ports[`${t.rdpPort}/tcp`] = [{ HostIp: this.host.publishAddress, HostPort: "" }];
    const network = spec.network ?? DEFAULT_NETWORK;
    return {
      name: names.domain(spec.machineId),
      Image: t.dockerImage,
      ...(cmd ? { Cmd: cmd } : {}),
      Hostname:
        spec.name
          .toLowerCase()
          .replace(/[^a-z0-9-]/g, "-")
          .replace(/^-+|-+$/g, "")
          .slice(0, 63) || "lab",
      Tty: false,
      Labels: { [MANAGED]: "true", [LABEL]: spec.machineId, "lab-portal.template": t.id, ...(spec.labels ?? {}) },
      ExposedPorts: Object.fromEntries(Object.keys(ports).map((p) => [p, {}])),
      HostConfig: {
        NanoCpus: Math.round(spec.vcpus * 1e9),
        Memory: spec.memoryMb * 1024 * 1024,
        MemorySwap: spec.memoryMb * 1024 * 1024,
        PidsLimit: 2048,
        Privileged: false,
        Init: true,
        NetworkMode: network,
        PortBindings: ports,
        SecurityOpt: ["no-new-privileges"],
        CapDrop: ["ALL"],
        CapAdd: capabilitiesFor(t.dockerCapabilities),
        RestartPolicy: { Name: "no" },
        Binds: t.keepDataDisk ? [`${names.domain(spec.machineId)}-data:/data`] : [],
      },
    };
  }

  async create(spec: MachineSpec): Promise<Created> {
    await this.ensureNetwork(spec.network ?? DEFAULT_NETWORK);
    const cmd = await this.command(spec.template.dockerImage ?? "", spec.template.dockerCommand);
    const container = await this.call(() => this.docker.createContainer(this.containerOptions(spec, cmd)));
    return { ref: names.domain(spec.machineId), diskVolume: container.id };
  }

  async start(ref: string, _spec?: MachineSpec): Promise<StartResult> {
    await this.call(() => this.docker.getContainer(ref).start()).catch((error) => {
      if (error instanceof ProviderError && /already started|304/.test(error.message)) return;
      throw error;
    });
    return { display: null };
  }

  async stop(ref: string, options: { timeoutMs?: number; force?: boolean } = {}): Promise<{ forced: boolean }> {
    if ((await this.state(ref)) !== "running") return { forced: false };
    const t = options.force ? 0 : Math.ceil((options.timeoutMs ?? 30_000) / 1000);
    const started = Date.now();
    await this.call(() => this.docker.getContainer(ref).stop({ t })).catch((error) => {
      if (error instanceof ProviderError && /not running|304/i.test(error.message)) return;
      throw error;
    });
    return { forced: Boolean(options.force) || Date.now() - started >= t * 1000 };
  }

  async reboot(ref: string, _spec: MachineSpec, options: { timeoutMs?: number } = {}): Promise<StartResult> {
    await this.call(() =>
      this.docker.getContainer(ref).restart({ t: Math.ceil((options.timeoutMs ?? 30_000) / 1000) }),
    );
    return { display: null };
  }

  async captureImage(
    machine: { machineId: string; ref: string },
    image: { name: string; tag: string },
  ): Promise<CapturedImage> {
    const dockerImage = `labportal/${image.name.toLowerCase()}:${image.tag}`;
    await this.commitImage(machine.ref, dockerImage);
    return { dockerImage };
  }

  private async commitImage(ref: string, image: string): Promise<void> {
    const [repo, tag] = splitImage(image);
    await this.call(() =>
      this.docker.getContainer(ref).commit({ repo, tag, pause: true, comment: "Lab Portal class base" }),
    );
  }

  async keepDisk(ref: string, _machineId: string, keptName: string): Promise<string> {
    const image = `labportal/kept:${keptName.replace(/[^a-zA-Z0-9_.-]/g, "-").slice(0, 120)}`;
    await this.commitImage(ref, image);
    return image;
  }

  async removeKept(keptRef: string): Promise<void> {
    await this.call(() => this.docker.getImage(keptRef).remove({ force: true })).catch(ignoreNotFound);
  }

  async revert(ref: string, spec: MachineSpec): Promise<Created> {
    await this.call(() => this.docker.getContainer(ref).remove({ force: true, v: true })).catch(ignoreNotFound);
    return this.create(spec);
  }

  async delete(ref: string, spec: Pick<MachineSpec, "machineId" | "template">): Promise<void> {
    await this.call(() => this.docker.getContainer(ref).remove({ force: true, v: true })).catch(ignoreNotFound);
    if (spec.template.keepDataDisk)
      await this.call(() => this.docker.getVolume(`${names.domain(spec.machineId)}-data`).remove()).catch(
        ignoreNotFound,
      );
  }

  private async inspect(ref: string) {
    return this.call(() => this.docker.getContainer(ref).inspect());
  }

  async state(ref: string): Promise<ProviderState> {
    try {
      return mapContainerState((await this.inspect(ref)).State.Status);
    } catch (error) {
      if (error instanceof ProviderError && error.reason === "NOT_FOUND") return "missing";
      throw error;
    }
  }

  async displayInfo(): Promise<Omit<DisplayInfo, "password"> | null> {
    return null;
  }

  async terminalTarget(ref: string, spec: MachineSpec, sshUser: string | null): Promise<TerminalTarget | null> {
    const kinds = spec.template.consoleKinds;
    if (kinds.includes("exec") && !sshUser) {
      const info = await this.inspect(ref);
      return { kind: "exec", containerId: info.Id, shell: spec.template.shell };
    }
    if (kinds.includes("ssh")) {
      const info = await this.inspect(ref);
      const binding = info.NetworkSettings.Ports?.[`${spec.template.sshPort}/tcp`]?.[0];
      if (binding?.HostPort)
        return {
          kind: "ssh",
          host: binding.HostIp && binding.HostIp !== "0.0.0.0" ? binding.HostIp : this.host.publishAddress,
          port: Number(binding.HostPort),
          user: sshUser,
        };
      const [address] = ipsOf(info);
      if (address) return { kind: "ssh", host: address, port: spec.template.sshPort, user: sshUser };
      return null;
    }
    if (kinds.includes("exec")) {
      const info = await this.inspect(ref);
      return { kind: "exec", containerId: info.Id, shell: spec.template.shell };
    }
    return null;
  }

  /** An interactive shell in a running container (TTY), for the browser terminal. */
  async openExec(containerId: string, shell: string, size: { cols: number; rows: number }) {
    const container = this.docker.getContainer(containerId);
    const exec = await this.call(() =>
      container.exec({
        Cmd: [shell],
        AttachStdin: true,
        AttachStdout: true,
        AttachStderr: true,
        Tty: true,
        Env: ["TERM=xterm-256color", "LANG=C.UTF-8", "LC_ALL=C.UTF-8"],
      }),
    );
    const stream = await this.call(() => exec.start({ hijack: true, stdin: true, Tty: true }));
    await exec.resize({ h: size.rows, w: size.cols }).catch(() => undefined);
    return {
      stream,
      resize: (cols: number, rows: number) => exec.resize({ h: rows, w: cols }).catch(() => undefined),
      exitCode: async () => (await exec.inspect()).ExitCode,
    };
  }

  /** Published port of a container port (for .rdp files and SSH). */
  async publishedPort(ref: string, port: number): Promise<{ host: string; port: number } | null> {
    const info = await this.inspect(ref);
    const binding = info.NetworkSettings.Ports?.[`${port}/tcp`]?.[0];
    return binding?.HostPort
      ? { host: binding.HostIp || this.host.publishAddress, port: Number(binding.HostPort) }
      : null;
  }

  async addresses(ref: string): Promise<string[]> {
    return ipsOf(await this.inspect(ref));
  }

  async stats(ref: string): Promise<MachineStats> {
    // one-shot: no second reading to fill precpu (the sampler makes rates from its own readings)
    const options = { stream: false, "one-shot": true } as { stream: false };
    const s = (await this.call(() => this.docker.getContainer(ref).stats(options))) as unknown as {
      cpu_stats?: { cpu_usage?: { total_usage?: number } };
      memory_stats?: { usage?: number; limit?: number; stats?: Record<string, number> };
      blkio_stats?: { io_service_bytes_recursive?: { op: string; value: number }[] | null };
    };
    const cpu = s.cpu_stats?.cpu_usage?.total_usage;
    const usage = s.memory_stats?.usage;
    // like `docker stats`: the page cache the kernel can drop is not counted (cgroup v1 and v2 names)
    const cache = s.memory_stats?.stats?.total_inactive_file ?? s.memory_stats?.stats?.inactive_file ?? 0;
    const io = s.blkio_stats?.io_service_bytes_recursive ?? [];
    return {
      cpuSeconds: cpu === undefined ? null : cpu / 1e9,
      memoryBytes: usage === undefined ? null : Math.max(0, usage - cache),
      memoryLimitBytes: s.memory_stats?.limit ?? null,
      diskBytes: null,
      ioBytes: io.filter((e) => /^(read|write)$/i.test(e.op)).reduce((n, e) => n + e.value, 0),
    };
  }

  async hostStats(): Promise<HostStats> {
    const info = await this.call(
      () => this.docker.info() as Promise<{ NCPU: number; MemTotal: number; DockerRootDir?: string }>,
    );
    // only a daemon on this machine can be measured from here; a remote one tells its size only
    const local = this.host.uri.startsWith("unix://") ? await localMachineStats(info.DockerRootDir ?? "/") : null;
    return {
      cpuSeconds: local?.cpuSeconds ?? null,
      cpus: info.NCPU,
      memoryUsedBytes: local?.memoryUsedBytes ?? null,
      memoryTotalBytes: info.MemTotal,
      diskFreeBytes: local?.diskFreeBytes ?? null,
      diskTotalBytes: local?.diskTotalBytes ?? null,
    };
  }

  async inventory(): Promise<InventoryItem[]> {
    const list = await this.call(() =>
      this.docker.listContainers({ all: true, filters: { label: [`${MANAGED}=true`] } }),
    );
    return list.map((c) => ({
      ref: (c.Names[0] ?? c.Id).replace(/^\//, ""),
      machineId: c.Labels[LABEL] ?? null,
      state: mapContainerState(c.State),
    }));
  }

  watch(onEvent: (event: ProviderEvent) => void, onError?: (error: Error) => void): Watcher {
    let closed = false;
    let stream: NodeJS.ReadableStream | null = null;
    let backoff = 1000;
    const connect = () => {
      if (closed) return;
      this.docker.getEvents({ filters: { type: ["container"], label: [`${MANAGED}=true`] } }, (error, s) => {
        if (error || !s) {
          onError?.(toProviderError(error, this.host.uri));
          backoff = Math.min(backoff * 2, 30_000);
          if (!closed) setTimeout(connect, backoff).unref();
          return;
        }
        backoff = 1000;
        stream = s;
        let buffer = "";
        s.setEncoding?.("utf8");
        s.on("data", (chunk: string | Buffer) => {
          buffer += chunk.toString();
          let nl = buffer.indexOf("\n");
          while (nl >= 0) {
            const line = buffer.slice(0, nl);
            buffer = buffer.slice(nl + 1);
            nl = buffer.indexOf("\n");
            try {
              const e = JSON.parse(line) as {
                Action?: string;
                timeNano?: number;
                Actor?: { Attributes?: Record<string, string> };
              };
              const attrs = e.Actor?.Attributes ?? {};
              const state: ProviderState | null =
                e.Action === "start" || e.Action === "unpause" || e.Action === "restart"
                  ? "running"
                  : e.Action === "die" || e.Action === "stop"
                    ? "stopped"
                    : e.Action === "pause"
                      ? "paused"
                      : e.Action === "destroy"
                        ? "missing"
                        : null;
              if (state && attrs.name)
                onEvent({
                  ref: attrs.name,
                  machineId: attrs[LABEL] ?? null,
                  state,
                  at: e.timeNano ? new Date(e.timeNano / 1e6) : undefined,
                });
            } catch {
              // a partial or foreign line: ignore
            }
          }
        });
        s.on("end", () => {
          stream = null;
          if (!closed) setTimeout(connect, backoff).unref();
        });
        s.on("error", (e: Error) => onError?.(e));
      });
    };
    connect();
    return {
      close() {
        closed = true;
        (stream as unknown as { destroy?: () => void } | null)?.destroy?.();
      },
    };
  }

  async ensureNetwork(name: string, options: { isolated?: boolean } = {}): Promise<void> {
    if (this.networksReady.has(name)) return;
    // Docker allows two networks with one name: concurrent creates (a class's machines) must not race
    const pending = this.networksPending.get(name);
    if (pending) return pending;
    const run = this.createNetwork(name, options).finally(() => this.networksPending.delete(name));
    this.networksPending.set(name, run);
    return run;
  }

  private async createNetwork(name: string, options: { isolated?: boolean }): Promise<void> {
    const existing = await this.call(() => this.docker.listNetworks({ filters: { name: [name] } }));
    // Docker's default address pools hold only ~30 bridge networks; a school has more classes than that, so
    // every portal network gets a /24 of its own from 10.216.0.0/12 (derived from its name, the next candidate
    // when one overlaps something)
    for (let attempt = 0; !existing.some((n) => n.Name === name); attempt++) {
      const subnet = dockerSubnetFor(name, attempt);
      const made = await this.call(() =>
        this.docker.createNetwork({
          Name: name,
          Driver: "bridge",
          Internal: Boolean(options.isolated),
          CheckDuplicate: true,
          Labels: { [MANAGED]: "true" },
          IPAM: { Driver: "default", Config: [{ Subnet: subnet.subnet, Gateway: subnet.gateway }] },
        }),
      ).then(
        () => true,
        (error) => {
          if (error instanceof ProviderError && (error.reason === "CONFLICT" || /already exists/.test(error.message)))
            return true;
          if (/overlap/i.test((error as Error).message) && attempt < 16) return false;
          throw error;
        },
      );
      if (made) break;
    }
    // the new bridge is firewalled before any machine joins it
    if (isLocalHost(this.host)) await applyIsolation();
    this.networksReady.add(name);
  }

  async removeNetwork(name: string): Promise<void> {
    this.networksReady.delete(name);
    // by id: two networks of one name (made by two portal instances at once) are both removed
    const all = await this.call(() => this.docker.listNetworks({ filters: { name: [name] } }));
    for (const n of all.filter((x) => x.Name === name))
      await this.call(() => this.docker.getNetwork(n.Id).remove()).catch(ignoreNotFound);
    if (isLocalHost(this.host)) await applyIsolation();
  }
}

function ipsOf(info: Docker.ContainerInspectInfo): string[] {
  return Object.values(info.NetworkSettings.Networks ?? {})
    .map((n) => n.IPAddress)
    .filter((ip): ip is string => Boolean(ip));
}

function ignoreNotFound(error: unknown) {
  if (error instanceof ProviderError && error.reason === "NOT_FOUND") return undefined;
  throw error;
}

function splitImage(image: string): [string, string] {
  const at = image.lastIndexOf(":");
  return at > image.lastIndexOf("/") ? [image.slice(0, at), image.slice(at + 1)] : [image, "latest"];
}

/** A portal network's subnet on Docker: a /24 in 10.216.0.0/12 picked from its name (and the attempt). */
export function dockerSubnetFor(name: string, attempt = 0): { subnet: string; gateway: string } {
  const h = createHash("sha256").update(`${name}:${attempt}`).digest();
  const base = `10.${216 + ((h[0] as number) % 16)}.${h[1] as number}`;
  return { subnet: `${base}.0/24`, gateway: `${base}.1` };
}
