// Domain, network and pool XML from typed values. Every value goes through esc(); numbers are checked to be
// integers; names are checked against a strict pattern, so nothing a user typed can change the structure.

export function esc(value: string | number): string {
  return String(value).replace(
    /[<>&'"]/g,
    (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", "'": "&apos;", '"': "&quot;" })[c] as string,
  );
}

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,100}$/;

export function safeName(name: string, what = "name"): string {
  if (!SAFE_NAME.test(name)) throw new Error(`Invalid libvirt ${what}: ${JSON.stringify(name)}`);
  return name;
}

function int(n: number, what: string): number {
  if (!Number.isInteger(n) || n < 0) throw new Error(`${what} must be a whole number, got ${n}`);
  return n;
}

/** A stable UUID for a machine id (so re-defining a domain updates it instead of clashing). */
export async function uuidFor(machineId: string): Promise<string> {
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`lab-portal:${machineId}`)),
  );
  const b = digest.slice(0, 16);
  b[6] = ((b[6] as number) & 0x0f) | 0x50;
  b[8] = ((b[8] as number) & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export type DomainSpec = {
  name: string;
  uuid: string;
  title: string;
  virtType: "kvm" | "qemu";
  vcpus: number;
  memoryMb: number;
  disks: { path: string; format: "qcow2" | "raw"; target: string }[];
  cdrom?: string | null;
  network: string | null;
  graphics: { listen: string; password: string; vnc: boolean; spice: boolean };
  osType: "LINUX" | "WINDOWS";
  metadata: Record<string, string>;
};

export function domainXml(d: DomainSpec): string {
  safeName(d.name, "domain name");
  const disks = d.disks
    .map(
      (disk) =>
        `    <disk type='file' device='disk'><driver name='qemu' type='${esc(disk.format)}' cache='none' discard='unmap'/><source file='${esc(disk.path)}'/><target dev='${esc(disk.target)}' bus='virtio'/></disk>`,
    )
    .join("\n");
  const cdrom = d.cdrom
    ? `    <disk type='file' device='cdrom'><driver name='qemu' type='raw'/><source file='${esc(d.cdrom)}'/><target dev='sda' bus='sata'/><readonly/></disk>`
    : "";
  const net = d.network
    ? `    <interface type='network'><source network='${esc(safeName(d.network, "network name"))}'/><model type='virtio'/></interface>`
    : "";
  const g = d.graphics;
  const graphics = [
    g.vnc
      ? `    <graphics type='vnc' autoport='yes' listen='${esc(g.listen)}' passwd='${esc(g.password)}'><listen type='address' address='${esc(g.listen)}'/></graphics>`
      : "",
    g.spice
      ? `    <graphics type='spice' autoport='yes' listen='${esc(g.listen)}' passwd='${esc(g.password)}'><listen type='address' address='${esc(g.listen)}'/></graphics>`
      : "",
  ].filter(Boolean);
  const meta = Object.entries(d.metadata)
    .map(([k, v]) => `<lp:${esc(safeName(k, "metadata key"))}>${esc(v)}</lp:${esc(k)}>`)
    .join("");
  const windows = d.osType === "WINDOWS";
  return `<domain type='${d.virtType === "kvm" ? "kvm" : "qemu"}'>
  <name>${esc(d.name)}</name>
  <uuid>${esc(d.uuid)}</uuid>
  <title>${esc(d.title)}</title>
  <metadata><lp:machine xmlns:lp='https://lab-portal.dev/xmlns/machine/1'>${meta}</lp:machine></metadata>
  <memory unit='MiB'>${int(d.memoryMb, "memory")}</memory>
  <vcpu>${int(d.vcpus, "vCPUs")}</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type><boot dev='hd'/>${d.cdrom ? "<boot dev='cdrom'/>" : ""}</os>
  <features><acpi/><apic/></features>
  ${d.virtType === "kvm" ? "<cpu mode='host-passthrough'/>" : ""}
  <clock offset='${windows ? "localtime" : "utc"}'/>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
${[disks, cdrom, net, ...graphics].filter(Boolean).join("\n")}
    <video><model type='${g.spice ? "qxl" : "vga"}'/></video>
    <input type='tablet' bus='usb'/>
    ${g.spice ? "<channel type='spicevmc'><target type='virtio' name='com.redhat.spice.0'/></channel>" : ""}
    <serial type='pty'/>
    <console type='pty'/>
    <memballoon model='virtio'/>
  </devices>
</domain>
`;
}

export type NetworkSpec = {
  name: string;
  bridge: string;
  subnet: { address: string; prefix: number; dhcpStart: string; dhcpEnd: string };
};

/** An isolated network: no <forward>, so guests reach each other and the host, never beyond it. */
export function networkXml(n: NetworkSpec): string {
  safeName(n.name, "network name");
  safeName(n.bridge, "bridge name");
  return `<network>
  <name>${esc(n.name)}</name>
  <bridge name='${esc(n.bridge)}' stp='off'/>
  <ip address='${esc(n.subnet.address)}' prefix='${int(n.subnet.prefix, "prefix")}'>
    <dhcp><range start='${esc(n.subnet.dhcpStart)}' end='${esc(n.subnet.dhcpEnd)}'/></dhcp>
  </ip>
</network>
`;
}

export function poolXml(name: string, path: string): string {
  safeName(name, "pool name");
  return `<pool type='dir'><name>${esc(name)}</name><target><path>${esc(path)}</path></target></pool>\n`;
}
