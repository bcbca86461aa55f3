// Linux capabilities of a lab container (#14 item 6). Every container drops ALL and gets back the default set a
// lab (and its sshd) needs; a Docker template may add extras from the allow-list, nothing else (never SYS_ADMIN,
// SYS_MODULE, SYS_TIME, … that reach past the container).

/**
 * File ownership and permissions as root, switching users, signals, low ports, audit records of logins and sshd's
 * privilege-separation chroot. Not NET_RAW (raw sockets, spoofing), MKNOD, SETFCAP, SETPCAP or FSETID.
 */
export const DEFAULT_CAPABILITIES = [
  "CHOWN",
  "DAC_OVERRIDE",
  "FOWNER",
  "SETUID",
  "SETGID",
  "KILL",
  "NET_BIND_SERVICE",
  "AUDIT_WRITE",
  "SYS_CHROOT",
] as const;

/** What a Docker template may add on top of the defaults, with what a teacher would need it for. */
export const EXTRA_CAPABILITIES = [
  "NET_ADMIN",
  "NET_RAW",
  "SYS_PTRACE",
  "MKNOD",
  "SETFCAP",
  "SETPCAP",
  "FSETID",
  "SYS_NICE",
  "IPC_LOCK",
] as const;
export type ExtraCapability = (typeof EXTRA_CAPABILITIES)[number];

export const CAPABILITY_USE: Record<ExtraCapability, string> = {
  NET_ADMIN: "configure the container's own network (ip, iptables)",
  NET_RAW: "raw sockets: ping, tcpdump, nmap",
  SYS_PTRACE: "debuggers: gdb, strace",
  MKNOD: "create device files",
  SETFCAP: "set file capabilities",
  SETPCAP: "change process capabilities",
  FSETID: "keep set-user-ID bits on changed files",
  SYS_NICE: "raise process priorities",
  IPC_LOCK: "lock memory (mlock)",
};

/** The capabilities a container of a template gets: the defaults plus the template's allowed extras. */
export function capabilitiesFor(extra: readonly string[] | null | undefined): string[] {
  const allowed = new Set<string>(EXTRA_CAPABILITIES);
  return [...new Set([...DEFAULT_CAPABILITIES, ...(extra ?? []).filter((c) => allowed.has(c))])];
}

/** The stored form (comma-separated) read back: only allowed names, in allow-list order. */
export function parseCapabilities(stored: string | null | undefined): ExtraCapability[] {
  const set = new Set((stored ?? "").split(","));
  return EXTRA_CAPABILITIES.filter((c) => set.has(c));
}
