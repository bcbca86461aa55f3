// The one interface every machine provider implements (libvirt/KVM, Docker; Proxmox later). Domain code in
// src/server/machines talks only to this; src/server/providers/index.ts is the one place that picks by kind.
export {
  allowed,
  canDelete,
  canOpenConsole,
  canReboot,
  canRevert,
  canStart,
  canStop,
  type MachineState,
} from "@/lib/machine-states";

export type HostKind = "LIBVIRT" | "DOCKER";

/** What the portal needs to reach a host (a row of Host). */
export type HostTarget = {
  id: string;
  name: string;
  kind: HostKind;
  uri: string;
  virtType: string;
  storagePool: string;
  consoleAddress: string;
  publishAddress: string;
  tlsDir: string | null;
};

/** The state a provider reports; the portal maps it to its own machine states. */
export type ProviderState = "running" | "stopped" | "paused" | "missing";

export type TemplateSpec = {
  id: string;
  kind: HostKind;
  /** libvirt: the base volume in the host's pool (after prepareTemplate). */
  volume?: string | null;
  volumeFormat?: "qcow2" | "raw";
  dockerImage?: string | null;
  dockerCommand?: string[] | null;
  /** Docker: capabilities added to the default set (an allow-list, docker/provider.ts EXTRA_CAPABILITIES). */
  dockerCapabilities?: string[] | null;
  shell: string;
  consoleKinds: string[];
  sshPort: number;
  rdpPort: number;
  osType: string;
  keepDataDisk: boolean;
};

export type MachineSpec = {
  machineId: string;
  name: string;
  vcpus: number;
  memoryMb: number;
  diskGb: number;
  template: TemplateSpec;
  /** Copy the whole base image instead of an overlay (teacher machines, benchmark comparison). */
  fullCopy?: boolean;
  /** An installation machine: a blank disk and the template's ISO in a CD drive (libvirt only). */
  install?: { isoVolume: string } | null;
  /** Network to attach to (a class network); default: the host's portal network. */
  network?: string | null;
  labels?: Record<string, string>;
};

export type Created = { ref: string; diskVolume: string | null };

/** A template's image made from a machine (captureImage): a qcow2 file, or a Docker image on the host. */
export type CapturedImage =
  | { imagePath: string; imageFormat: "qcow2"; imageBytes: bigint; dockerImage?: undefined }
  | { dockerImage: string; imagePath?: undefined };

export type DisplayInfo = {
  host: string;
  vncPort: number | null;
  spicePort: number | null;
  /** Random per start; VNC limits passwords to 8 characters. */
  password: string;
};

export type StartResult = { display: DisplayInfo | null };

export type TerminalTarget =
  | { kind: "ssh"; host: string; port: number; user: string | null }
  | { kind: "exec"; containerId: string; shell: string };

/** One reading of a machine; counters are cumulative (the sampler, src/server/stats, makes rates of them). */
export type MachineStats = {
  cpuSeconds: number | null;
  memoryBytes: number | null;
  memoryLimitBytes: number | null;
  /** Bytes the machine's disk takes on the host (libvirt: allocation of its volumes; Docker: null). */
  diskBytes?: number | null;
  /** Bytes read and written by its disks so far. */
  ioBytes?: number | null;
};

/** One reading of a host; `cpuSeconds` is the busy time of all its CPUs so far (null where the host cannot tell). */
export type HostStats = {
  cpuSeconds: number | null;
  cpus: number | null;
  memoryUsedBytes: number | null;
  memoryTotalBytes: number | null;
  /** Free and total bytes where the portal keeps disks (libvirt: the storage pool; Docker: its data root). */
  diskFreeBytes: number | null;
  diskTotalBytes: number | null;
};

export type InventoryItem = { ref: string; machineId: string | null; state: ProviderState };

export type ProviderEvent = {
  ref: string;
  machineId: string | null;
  state: ProviderState /** when the host saw it, if it says */;
  at?: Date;
};

export type HostProbe = {
  version: string;
  vcpus: number;
  memoryMb: number;
  /** Anything that works but should be looked at (for example: KVM missing, software emulation). */
  warnings: string[];
};

export type Watcher = { close(): void };

export interface MachineProvider {
  readonly kind: HostKind;
  /** Connects and reads the host's version and size; throws ProviderError when it cannot. */
  probe(): Promise<HostProbe>;
  /** Makes a template usable on this host (uploads the base image to the pool / checks the image). */
  prepareTemplate(
    template: { id: string; imagePath?: string | null; dockerImage?: string | null },
    onProgress?: (done: number, total: number) => void,
  ): Promise<{ volume: string }>;
  removeTemplate(volume: string): Promise<void>;
  create(spec: MachineSpec): Promise<Created>;
  start(ref: string, spec: MachineSpec): Promise<StartResult>;
  /** Graceful first; forced when it has not stopped after timeoutMs. */
  stop(ref: string, options?: { timeoutMs?: number; force?: boolean }): Promise<{ forced: boolean }>;
  reboot(ref: string, spec: MachineSpec, options?: { timeoutMs?: number }): Promise<StartResult>;
  /** Back to the template's baseline: the machine's changes are discarded (a data disk is kept). */
  revert(ref: string, spec: MachineSpec): Promise<Created>;
  /** Removes the machine and its disks; a machine that is already gone is not an error. */
  delete(ref: string, spec: Pick<MachineSpec, "machineId" | "template">): Promise<void>;
  state(ref: string): Promise<ProviderState>;
  displayInfo(ref: string): Promise<Omit<DisplayInfo, "password"> | null>;
  terminalTarget(ref: string, spec: MachineSpec, sshUser: string | null): Promise<TerminalTarget | null>;
  addresses(ref: string): Promise<string[]>;
  stats(ref: string): Promise<MachineStats>;
  /** CPU, memory and disk of the host itself. */
  hostStats(): Promise<HostStats>;
  /** Everything on the host that carries the portal's mark. */
  inventory(): Promise<InventoryItem[]>;
  /** Live state changes; reconnects by itself until closed. */
  watch(onEvent: (event: ProviderEvent) => void, onError?: (error: Error) => void): Watcher;
  ensureNetwork(name: string, options?: { isolated?: boolean }): Promise<void>;
  /** Puts an installer ISO in the host's pool (libvirt only). */
  importIso?(templateId: string, isoPath: string): Promise<{ volume: string }>;
  removeVolume?(volume: string): Promise<void>;
  /**
   * Sets a running machine's SPICE password, valid until `validTo` for new connections (null: no limit);
   * open connections stay (libvirt only: the .vv file's short-lived password).
   */
  setSpicePassword?(ref: string, password: string, validTo: Date | null): Promise<void>;
  /** Copies a stopped machine's system disk to a file on the portal's machine (libvirt only). */
  exportDisk?(machineId: string, toPath: string): Promise<void>;
  /**
   * Makes a stopped machine's disk the image of a new template (publish: the class's next base). libvirt copies the
   * system volume to `<dir>/<name>-<tag>.qcow2` on the portal's machine; Docker commits the container to the image
   * `labportal/<name>:<tag>`. Returns the template fields that name the image.
   */
  captureImage(
    machine: { machineId: string; ref: string },
    image: { name: string; tag: string; dir: string },
  ): Promise<CapturedImage>;
  /**
   * Keeps a copy of a stopped machine's current disk under another name before it is replaced (publish):
   * libvirt copies the system volume, Docker commits the container to an image. Returns the kept item's ref.
   */
  keepDisk(ref: string, machineId: string, keptName: string): Promise<string>;
  /** Removes a kept disk (idempotent). */
  removeKept(keptRef: string): Promise<void>;
  removeNetwork(name: string): Promise<void>;
}

/** A provider failure in words a person understands; `reason` says which kind for the error table. */
export class ProviderError extends Error {
  constructor(
    readonly reason: "UNREACHABLE" | "NOT_FOUND" | "CONFLICT" | "NO_SPACE" | "INVALID" | "FAILED",
    message: string,
    readonly detail?: string,
  ) {
    super(message);
    this.name = "ProviderError";
  }
}

/** Names the portal gives things on hosts: everything starts with lp- so inventory can find its own. */
export const names = {
  domain: (machineId: string) => `lp-${machineId}`,
  disk: (machineId: string) => `lp-${machineId}.qcow2`,
  dataDisk: (machineId: string) => `lp-${machineId}-data.qcow2`,
  baseVolume: (templateId: string) => `lp-tpl-${templateId}.qcow2`,
  isoVolume: (templateId: string) => `lp-iso-${templateId}.iso`,
  /** A student's previous disk kept after a publish. */
  kept: (machineId: string, version: number) => `lp-kept-${machineId}-v${version}`,
  machineIdOf: (ref: string) =>
    ref.startsWith("lp-") && !ref.startsWith("lp-tpl-") && !ref.startsWith("lp-iso-") && !ref.startsWith("lp-kept-")
      ? ref.slice(3)
      : null,
};

/** 8 characters (VNC's limit; SPICE takes longer) from an alphabet without look-alikes; 46 bits at 8. */
export function displayPassword(length = 8): string {
  const alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  const limit = 256 - (256 % alphabet.length);
  let out = "";
  while (out.length < length) {
    for (const b of crypto.getRandomValues(new Uint8Array(16))) {
      if (b < limit && out.length < length) out += alphabet[b % alphabet.length];
    }
  }
  return out;
}
