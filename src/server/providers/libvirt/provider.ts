// libvirt/KVM provider: domains from the typed XML builder, disks as qcow2 overlays on the template's base
// volume in a portal storage pool (so the same code works on qemu:///system and qemu+ssh:// hosts), VNC and
// SPICE on the host's console address with a fresh password per start, an isolated network per class.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { libvirtUriProblem } from "@/server/hosts/uri";
import { applyIsolation, isLocalHost, isolationError, LIBVIRT_BRIDGE_PREFIX, REMOTE_WARNING } from "../isolation";
import {
  type CapturedImage,
  type Created,
  type DisplayInfo,
  displayPassword,
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
import { domainXml, networkXml, poolXml, safeName, uuidFor } from "./domain-xml";
import { Virsh } from "./virsh";

const DEFAULT_NETWORK = "lab-portal";

export function mapDomState(text: string): ProviderState {
  const s = text.trim().toLowerCase();
  if (s.startsWith("running") || s.startsWith("in shutdown") || s.startsWith("blocked")) return "running";
  if (s.startsWith("paused") || s.startsWith("pmsuspended")) return "paused";
  return "stopped";
}

/** Parses `virsh event --loop` lines: event 'lifecycle' for domain 'lp-x': Started Booted */
export function parseEventLine(line: string): { domain: string; state: ProviderState | null } | null {
  const m = /^event 'lifecycle' for domain '?([^':]+)'?: (\w+)/.exec(line.trim());
  if (!m) return null;
  const kind = m[2] as string;
  const state: ProviderState | null =
    kind === "Started" || kind === "Resumed"
      ? "running"
      : kind === "Stopped" || kind === "Shutdown" || kind === "Crashed"
        ? kind === "Shutdown"
          ? null
          : "stopped"
        : kind === "Suspended" || kind === "PMSuspended"
          ? "paused"
          : kind === "Undefined"
            ? "missing"
            : null;
  return { domain: m[1] as string, state };
}

/** A /24 for a network name, stable per name, inside 10.200.0.0/12. */
export function subnetFor(name: string, attempt = 0) {
  const h = createHash("sha256").update(`${name}:${attempt}`).digest();
  const a = 200 + ((h[0] as number) % 16);
  const b = h[1] as number;
  const base = `10.${a}.${b}`;
  return { address: `${base}.1`, prefix: 24, dhcpStart: `${base}.10`, dhcpEnd: `${base}.250` };
}

export function bridgeFor(name: string): string {
  return `${LIBVIRT_BRIDGE_PREFIX}${createHash("sha256").update(name).digest("hex").slice(0, 8)}`;
}

export class LibvirtProvider implements MachineProvider {
  readonly kind = "LIBVIRT" as const;
  private readonly virsh: Virsh;
  private poolPathCache: string | null = null;
  private poolReady: Promise<string> | null = null;
  private readonly networksReady = new Set<string>();

  constructor(readonly host: HostTarget) {
    this.virsh = new Virsh(host.uri);
  }

  private get pool() {
    return safeName(this.host.storagePool, "storage pool");
  }

  async probe(): Promise<HostProbe> {
    const [version, info] = await Promise.all([
      this.virsh.run(["version"], { timeoutMs: 15_000 }),
      this.virsh.run(["nodeinfo"], { timeoutMs: 15_000 }),
    ]);
    const cpus = Number(/CPU\(s\):\s+(\d+)/.exec(info)?.[1] ?? 0);
    const memKiB = Number(/Memory size:\s+(\d+)/.exec(info)?.[1] ?? 0);
    const hv = /Running hypervisor:\s+(.+)/.exec(version)?.[1]?.trim() ?? "unknown";
    const warnings: string[] = [];
    if (this.host.virtType !== "kvm")
      warnings.push("Software emulation (virtType qemu): guests run much slower than with KVM.");
    if (!isLocalHost(this.host)) warnings.push(REMOTE_WARNING);
    else {
      const failed = isolationError();
      if (failed) warnings.push(failed);
    }
    await this.ensurePool();
    return { version: hv, vcpus: cpus, memoryMb: Math.floor(memKiB / 1024), warnings };
  }

  /** The pool's folder on the host; the pool is defined, built and started on first use. */
  private ensurePool(): Promise<string> {
    if (this.poolPathCache) return Promise.resolve(this.poolPathCache);
    this.poolReady ??= (async () => {
      let xml: string;
      try {
        xml = await this.virsh.run(["pool-dumpxml", this.pool]);
      } catch (error) {
        if (!(error instanceof ProviderError) || error.reason !== "NOT_FOUND") throw error;
        const dir = await tmpDir();
        try {
          const file = join(dir, "pool.xml");
          await writeFile(file, poolXml(this.pool, `/var/lib/libvirt/images/${this.pool}`));
          await this.virsh.run(["pool-define", file]).catch(ignoreReason("CONFLICT"));
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
        await this.virsh.run(["pool-build", this.pool]).catch(() => undefined);
        xml = await this.virsh.run(["pool-dumpxml", this.pool]);
      }
      const info = await this.virsh.run(["pool-info", this.pool]);
      if (!/State:\s+running/.test(info))
        await this.virsh.run(["pool-start", this.pool]).catch(ignoreMessage(/already active/));
      await this.virsh.run(["pool-autostart", this.pool]).catch(() => undefined);
      const path = /<path>([^<]+)<\/path>/.exec(xml)?.[1];
      if (!path) throw new ProviderError("FAILED", `Storage pool ${this.pool} has no folder.`);
      this.poolPathCache = path;
      return path;
    })().finally(() => {
      this.poolReady = null;
    });
    return this.poolReady;
  }

  private async volPath(volume: string): Promise<string> {
    return join(await this.ensurePool(), safeName(volume, "volume name"));
  }

  async prepareTemplate(
    template: { id: string; imagePath?: string | null },
    onProgress?: (done: number, total: number) => void,
  ): Promise<{ volume: string }> {
    if (!template.imagePath) throw new ProviderError("INVALID", "This template has no disk image yet.");
    await this.ensurePool();
    const volume = names.baseVolume(template.id);
    const exists = await this.virsh.run(["vol-info", "--pool", this.pool, volume]).then(
      () => true,
      (e) => (e instanceof ProviderError && e.reason === "NOT_FOUND" ? false : Promise.reject(e)),
    );
    if (exists) return { volume };
    const size = (await stat(template.imagePath)).size;
    onProgress?.(0, size);
    await this.virsh.run(["vol-create-as", this.pool, volume, String(size), "--format", "raw"]);
    try {
      await this.virsh.run(["vol-upload", "--pool", this.pool, volume, template.imagePath], { timeoutMs: 60 * 60_000 });
      await this.virsh.run(["pool-refresh", this.pool]);
    } catch (error) {
      await this.virsh.run(["vol-delete", "--pool", this.pool, volume]).catch(() => undefined);
      throw error;
    }
    onProgress?.(size, size);
    return { volume };
  }

  async importIso(templateId: string, isoPath: string): Promise<{ volume: string }> {
    await this.ensurePool();
    const volume = names.isoVolume(templateId);
    await this.removeVolume(volume);
    const size = (await stat(isoPath)).size;
    await this.virsh.run(["vol-create-as", this.pool, volume, String(size), "--format", "raw"]);
    try {
      await this.virsh.run(["vol-upload", "--pool", this.pool, volume, isoPath], { timeoutMs: 60 * 60_000 });
    } catch (error) {
      await this.removeVolume(volume);
      throw error;
    }
    return { volume };
  }

  async removeVolume(volume: string): Promise<void> {
    await this.virsh
      .run(["vol-delete", "--pool", this.pool, safeName(volume, "volume name")])
      .catch(ignoreReason("NOT_FOUND"));
  }

  async exportDisk(machineId: string, toPath: string): Promise<void> {
    if ((await this.state(names.domain(machineId))) === "running")
      throw new ProviderError("CONFLICT", "Shut the machine down before turning its disk into a template.");
    await this.virsh.run(["vol-download", "--pool", this.pool, names.disk(machineId), toPath], {
      timeoutMs: 60 * 60_000,
    });
  }

  async captureImage(
    machine: { machineId: string; ref: string },
    image: { name: string; tag: string; dir: string },
  ): Promise<CapturedImage> {
    const imagePath = join(image.dir, `${image.name}-${image.tag}.qcow2`);
    await this.exportDisk(machine.machineId, imagePath);
    return { imagePath, imageFormat: "qcow2", imageBytes: BigInt((await stat(imagePath)).size) };
  }

  async keepDisk(ref: string, machineId: string, keptName: string): Promise<string> {
    if ((await this.state(ref)) === "running")
      throw new ProviderError("CONFLICT", "The machine must be shut down before its disk is kept.");
    const volume = `${safeName(keptName, "volume name")}.qcow2`;
    await this.virsh.run(["vol-delete", "--pool", this.pool, volume]).catch(ignoreReason("NOT_FOUND"));
    await this.virsh.run(["vol-clone", "--pool", this.pool, names.disk(machineId), volume], { timeoutMs: 60 * 60_000 });
    return volume;
  }

  async removeKept(keptRef: string): Promise<void> {
    await this.virsh
      .run(["vol-delete", "--pool", this.pool, safeName(keptRef, "volume name")])
      .catch(ignoreReason("NOT_FOUND"));
  }

  async removeTemplate(volume: string): Promise<void> {
    await this.virsh
      .run(["vol-delete", "--pool", this.pool, safeName(volume, "volume name")])
      .catch(ignoreReason("NOT_FOUND"));
  }

  async create(spec: MachineSpec): Promise<Created> {
    const base = spec.template.volume;
    if (!base && !spec.install) throw new ProviderError("INVALID", "The template's image is not on this host yet.");
    const disk = names.disk(spec.machineId);
    await this.createDisk(spec, disk, base ?? "");
    try {
      if (spec.template.keepDataDisk) {
        await this.virsh
          .run(["vol-create-as", this.pool, names.dataDisk(spec.machineId), `${spec.diskGb}G`, "--format", "qcow2"])
          .catch(ignoreReason("CONFLICT"));
      }
      if (!spec.network) await this.ensureNetwork(DEFAULT_NETWORK);
      await this.define(spec, displayPassword());
    } catch (error) {
      await this.deleteVolumes(spec.machineId);
      throw error;
    }
    return { ref: names.domain(spec.machineId), diskVolume: disk };
  }

  private async createDisk(spec: MachineSpec, disk: string, base: string) {
    if (spec.install) {
      await this.virsh.run(["vol-create-as", this.pool, disk, `${spec.diskGb}G`, "--format", "qcow2"]);
      return;
    }
    const format = spec.template.volumeFormat ?? "qcow2";
    if (spec.fullCopy) {
      await this.virsh.run(["vol-clone", "--pool", this.pool, base, disk], { timeoutMs: 60 * 60_000 });
      return;
    }
    await this.virsh.run([
      "vol-create-as",
      this.pool,
      disk,
      `${spec.diskGb}G`,
      "--format",
      "qcow2",
      "--backing-vol",
      base,
      "--backing-vol-format",
      format,
    ]);
  }

  private async define(spec: MachineSpec, password: string): Promise<void> {
    const kinds = spec.template.consoleKinds;
    const diskFormat = spec.fullCopy && !spec.install ? (spec.template.volumeFormat ?? "qcow2") : "qcow2";
    const disks = [
      { path: await this.volPath(names.disk(spec.machineId)), format: diskFormat as "qcow2" | "raw", target: "vda" },
    ];
    if (spec.template.keepDataDisk)
      disks.push({ path: await this.volPath(names.dataDisk(spec.machineId)), format: "qcow2", target: "vdb" });
    const xml = domainXml({
      name: names.domain(spec.machineId),
      uuid: await uuidFor(spec.machineId),
      title: spec.name,
      virtType: this.host.virtType === "kvm" ? "kvm" : "qemu",
      vcpus: spec.vcpus,
      memoryMb: spec.memoryMb,
      disks,
      cdrom: spec.install ? await this.volPath(spec.install.isoVolume) : null,
      network: spec.network ?? DEFAULT_NETWORK,
      graphics: {
        listen: this.host.consoleAddress,
        password,
        vnc: kinds.includes("vnc") || !kinds.includes("spice"),
        spice: kinds.includes("spice"),
      },
      osType: spec.template.osType === "WINDOWS" ? "WINDOWS" : "LINUX",
      metadata: { id: spec.machineId, template: spec.template.id },
    });
    const dir = await tmpDir();
    try {
      const file = join(dir, "domain.xml");
      await writeFile(file, xml, { mode: 0o600 });
      await this.virsh.run(["define", file]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  async start(ref: string, spec: MachineSpec): Promise<StartResult> {
    const password = displayPassword();
    // A new password for every run: the persistent definition is rewritten, then started.
    await this.define(spec, password);
    await this.virsh.run(["start", ref]).catch(ignoreMessage(/already active/));
    const ports = await this.displayInfo(ref);
    return { display: ports ? { ...ports, password } : null };
  }

  async stop(ref: string, options: { timeoutMs?: number; force?: boolean } = {}): Promise<{ forced: boolean }> {
    const state = await this.state(ref);
    if (state === "stopped" || state === "missing") return { forced: false };
    if (!options.force && state === "running") {
      await this.virsh.run(["shutdown", ref]).catch(ignoreMessage(/not running/));
      const deadline = Date.now() + (options.timeoutMs ?? 60_000);
      while (Date.now() < deadline) {
        if ((await this.state(ref)) !== "running") return { forced: false };
        await sleep(300);
      }
    }
    await this.virsh.run(["destroy", ref]).catch(ignoreMessage(/not running/));
    return { forced: true };
  }

  async reboot(ref: string, spec: MachineSpec, options: { timeoutMs?: number } = {}): Promise<StartResult> {
    await this.stop(ref, options);
    return this.start(ref, spec);
  }

  async revert(ref: string, spec: MachineSpec): Promise<Created> {
    await this.stop(ref, { force: true });
    const disk = names.disk(spec.machineId);
    await this.virsh.run(["vol-delete", "--pool", this.pool, disk]).catch(ignoreReason("NOT_FOUND"));
    await this.createDisk(spec, disk, spec.template.volume ?? "");
    // re-defined too, so a domain removed behind the portal's back comes back with its disk
    await this.define(spec, displayPassword());
    return { ref, diskVolume: disk };
  }

  async delete(ref: string, spec: Pick<MachineSpec, "machineId" | "template">): Promise<void> {
    await this.virsh.run(["destroy", ref]).catch(() => undefined);
    await this.virsh.run(["undefine", ref]).catch(ignoreReason("NOT_FOUND"));
    await this.deleteVolumes(spec.machineId);
  }

  private async deleteVolumes(machineId: string) {
    await this.ensurePool();
    for (const volume of [names.disk(machineId), names.dataDisk(machineId)]) {
      await this.virsh.run(["vol-delete", "--pool", this.pool, volume]).catch(ignoreReason("NOT_FOUND"));
    }
  }

  async state(ref: string): Promise<ProviderState> {
    try {
      return mapDomState(await this.virsh.run(["domstate", ref]));
    } catch (error) {
      if (error instanceof ProviderError && error.reason === "NOT_FOUND") return "missing";
      throw error;
    }
  }

  async setSpicePassword(ref: string, password: string, validTo: Date | null): Promise<void> {
    // the live graphics element as libvirt has it (port, listen, …), with only the password and its expiry changed
    const xml = await this.virsh.run(["dumpxml", "--security-info", ref]);
    const element = /<graphics type='spice'[^>]*?(?:\/>|>[\s\S]*?<\/graphics>)/.exec(xml)?.[0];
    if (!element) throw new ProviderError("FAILED", "This machine has no SPICE display.");
    const open = /^<graphics[^>]*?>/.exec(element)?.[0] ?? "";
    let tag = open.replace(/\s(passwd|passwdValidTo)='[^']*'/g, "");
    const until = validTo ? ` passwdValidTo='${validTo.toISOString().slice(0, 19)}'` : "";
    tag = tag.replace(/^<graphics/, `<graphics passwd='${password.replace(/[^A-Za-z0-9]/g, "")}'${until}`);
    const dir = await tmpDir();
    try {
      const file = join(dir, "graphics.xml");
      await writeFile(file, element.replace(open, tag), { mode: 0o600 });
      await this.virsh.run(["update-device", ref, file, "--live"]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  async displayInfo(ref: string): Promise<Omit<DisplayInfo, "password"> | null> {
    const xml = await this.virsh.run(["dumpxml", ref]);
    const port = (type: string) => {
      const m = new RegExp(`<graphics type='${type}' port='(-?\\d+)'`).exec(xml);
      const n = m ? Number(m[1]) : -1;
      return n > 0 ? n : null;
    };
    const vncPort = port("vnc");
    const spicePort = port("spice");
    if (vncPort === null && spicePort === null) return null;
    return { host: this.host.consoleAddress, vncPort, spicePort };
  }

  async terminalTarget(ref: string, spec: MachineSpec, sshUser: string | null): Promise<TerminalTarget | null> {
    if (!spec.template.consoleKinds.includes("ssh")) return null;
    const [address] = await this.addresses(ref);
    return address ? { kind: "ssh", host: address, port: spec.template.sshPort, user: sshUser } : null;
  }

  async addresses(ref: string): Promise<string[]> {
    const out = await this.virsh.run(["domifaddr", ref, "--source", "lease"]).catch(() => "");
    return [...out.matchAll(/ipv4\s+([\d.]+)\//g)].map((m) => m[1] as string);
  }

  async stats(ref: string): Promise<MachineStats> {
    const out = await this.virsh.run(["domstats", ref, "--cpu-total", "--balloon", "--block"]);
    const num = (key: string) => {
      const m = new RegExp(`${key.replace(/\./g, "\\.")}=(\\d+)`).exec(out);
      return m ? Number(m[1]) : null;
    };
    const sum = (pattern: RegExp) => [...out.matchAll(pattern)].reduce((n, m) => n + Number(m[1]), 0);
    const cpu = num("cpu.time");
    const rss = num("balloon.rss");
    const max = num("balloon.maximum");
    return {
      cpuSeconds: cpu === null ? null : cpu / 1e9,
      memoryBytes: rss === null ? null : rss * 1024,
      memoryLimitBytes: max === null ? null : max * 1024,
      diskBytes: /block\.\d+\.allocation=/.test(out) ? sum(/block\.\d+\.allocation=(\d+)/g) : null,
      ioBytes: /block\.\d+\.(rd|wr)\.bytes=/.test(out) ? sum(/block\.\d+\.(?:rd|wr)\.bytes=(\d+)/g) : null,
    };
  }

  async hostStats(): Promise<HostStats> {
    const [cpu, mem, pool, info] = await Promise.all([
      this.virsh.run(["nodecpustats"], { timeoutMs: 15_000 }),
      this.virsh.run(["nodememstats"], { timeoutMs: 15_000 }),
      this.virsh.run(["pool-info", this.pool, "--bytes"], { timeoutMs: 15_000 }).catch(() => ""),
      this.virsh.run(["nodeinfo"], { timeoutMs: 15_000 }),
    ]);
    const field = (text: string, name: string) => {
      const m = new RegExp(`^\\s*${name}\\s*:\\s*(\\d+)`, "mi").exec(text);
      return m ? Number(m[1]) : null;
    };
    // nanoseconds of all CPUs since boot: busy is what was neither idle nor waiting for I/O
    const busyNs = ["user", "system"].reduce((n, k) => n + (field(cpu, k) ?? 0), 0);
    const kib = (name: string) => field(mem, name);
    const total = kib("total");
    const free = kib("free");
    const available = free === null ? null : free + (kib("buffers") ?? 0) + (kib("cached") ?? 0);
    return {
      cpuSeconds: field(cpu, "user") === null ? null : busyNs / 1e9,
      cpus: field(info, "CPU\\(s\\)"),
      memoryUsedBytes: total === null || available === null ? null : (total - available) * 1024,
      memoryTotalBytes: total === null ? null : total * 1024,
      diskFreeBytes: field(pool, "Available"),
      diskTotalBytes: field(pool, "Capacity"),
    };
  }

  async inventory(): Promise<InventoryItem[]> {
    const out = await this.virsh.run(["list", "--all"]);
    const items: InventoryItem[] = [];
    for (const line of out.split("\n")) {
      const m = /^\s*(\S+)\s+(lp-\S+)\s+(.+?)\s*$/.exec(line);
      if (!m || (m[2] as string).startsWith("lp-tpl-")) continue;
      items.push({
        ref: m[2] as string,
        machineId: names.machineIdOf(m[2] as string),
        state: mapDomState(m[3] as string),
      });
    }
    return items;
  }

  watch(onEvent: (event: ProviderEvent) => void, onError?: (error: Error) => void): Watcher {
    let closed = false;
    let child: ReturnType<typeof spawn> | null = null;
    let backoff = 1000;
    const connect = () => {
      if (closed) return;
      const started = Date.now();
      const refused = libvirtUriProblem(this.host.uri);
      if (refused) {
        onError?.(new ProviderError("INVALID", refused));
        return;
      }
      child = spawn("virsh", ["-c", this.host.uri, "event", "--loop", "--event", "lifecycle"], {
        stdio: ["ignore", "pipe", "pipe"],
      });
      let buffer = "";
      let stderr = "";
      child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
        buffer += chunk;
        let nl = buffer.indexOf("\n");
        while (nl >= 0) {
          const parsed = parseEventLine(buffer.slice(0, nl));
          buffer = buffer.slice(nl + 1);
          nl = buffer.indexOf("\n");
          if (parsed?.state && parsed.domain.startsWith("lp-")) {
            const machineId = names.machineIdOf(parsed.domain);
            if (machineId) onEvent({ ref: parsed.domain, machineId, state: parsed.state });
          }
        }
      });
      child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
        stderr = (stderr + chunk).slice(-2000);
      });
      child.on("error", (error) => onError?.(error));
      child.on("exit", () => {
        child = null;
        if (closed) return;
        onError?.(new Error(`virsh event for ${this.host.uri} ended: ${stderr.trim() || "no message"}`));
        backoff = Date.now() - started > 30_000 ? 1000 : Math.min(backoff * 2, 30_000);
        setTimeout(connect, backoff).unref();
      });
    };
    connect();
    return {
      close() {
        closed = true;
        child?.kill();
      },
    };
  }

  async ensureNetwork(name: string): Promise<void> {
    safeName(name, "network name");
    if (this.networksReady.has(name)) return;
    let info = await this.virsh
      .run(["net-info", name])
      .catch((e) => (e instanceof ProviderError && e.reason === "NOT_FOUND" ? null : Promise.reject(e)));
    if (info === null) {
      const dir = await tmpDir();
      try {
        for (let attempt = 0; ; attempt++) {
          const file = join(dir, "net.xml");
          await writeFile(file, networkXml({ name, bridge: bridgeFor(name), subnet: subnetFor(name, attempt) }));
          try {
            await this.virsh.run(["net-define", file]);
            break;
          } catch (error) {
            // defined meanwhile by another process (a race the callers' cluster lock prevents among portals): it
            // exists, which is all this asks; never redefine it with another subnet
            if (
              await this.virsh.run(["net-info", name]).then(
                () => true,
                () => false,
              )
            )
              break;
            if (
              error instanceof ProviderError &&
              error.reason === "CONFLICT" &&
              /network/i.test(error.message) &&
              !/already exists with uuid/i.test(error.message) &&
              attempt < 8
            )
              continue;
            if (error instanceof ProviderError && /already exists/i.test(error.message)) break;
            throw error;
          }
        }
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
      info = await this.virsh.run(["net-info", name]);
    }
    if (!/Active:\s+yes/.test(info)) await this.virsh.run(["net-start", name]).catch(ignoreMessage(/already active/));
    await this.virsh.run(["net-autostart", name]).catch(() => undefined);
    // the bridge (up now) is firewalled before any guest joins it: guests reach dnsmasq's DHCP/DNS, not the host
    if (isLocalHost(this.host)) await applyIsolation();
    this.networksReady.add(name);
  }

  async removeNetwork(name: string): Promise<void> {
    this.networksReady.delete(name);
    await this.virsh.run(["net-destroy", safeName(name, "network name")]).catch(() => undefined);
    await this.virsh.run(["net-undefine", name]).catch(ignoreReason("NOT_FOUND"));
    if (isLocalHost(this.host)) await applyIsolation();
  }
}

function ignoreReason(reason: ProviderError["reason"]) {
  return (error: unknown) => {
    if (error instanceof ProviderError && error.reason === reason) return undefined;
    throw error;
  };
}

function ignoreMessage(pattern: RegExp) {
  return (error: unknown) => {
    if (error instanceof ProviderError && pattern.test(`${error.message}\n${error.detail ?? ""}`)) return undefined;
    throw error;
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const tmpDir = () => mkdtemp(join(tmpdir(), "lab-portal-"));
