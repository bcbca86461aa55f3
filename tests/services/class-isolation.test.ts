// Class networks are isolated from the host and from each other, proved from inside real containers (Docker) and
// from a network namespace plugged into a real libvirt class bridge: no connection to a listener on the host
// (0.0.0.0, the bridge gateway, the host's other interfaces), none to the host's sshd, none to a machine of another
// class network; a machine of the same class answers; containers run with the reduced capability set.
// Before the fix (no table inet lab_portal_isolation) the host's listener answers from inside the container:
// the "control" test deletes the table and sees exactly that, then the table is applied again.
// Containers carry lab-portal.test=isolation, networks are named lp-iso-…, namespaces lpiso…; all are removed.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { createServer, type Server } from "node:net";
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_CAPABILITIES, DockerProvider } from "../../src/server/providers/docker/provider";
import { applyIsolation, ISOLATION_TABLE, isolationError } from "../../src/server/providers/isolation";
import { bridgeFor, LibvirtProvider } from "../../src/server/providers/libvirt/provider";
import { type MachineSpec, names } from "../../src/server/providers/types";
import {
  DOCKER_SOCKET,
  dockerTestImage,
  guestImagePath,
  LIBVIRT_URI,
  requireAssets,
  virtType,
} from "../support/assets";
import { dockerHost, libvirtHost, waitUntil } from "../support/services";

const RUN = Date.now().toString(36);
const TEST_LABEL = "lab-portal.test";
const NET_A = `lp-iso-a-${RUN}`;
const NET_B = `lp-iso-b-${RUN}`;
const SSHD = ["/bin/sh", "-c", "mkdir -p /run/sshd && exec /usr/sbin/sshd -D -e"];
const docker = new Docker({ socketPath: DOCKER_SOCKET });

/** Linux capability numbers (linux/capability.h) of the names the portal uses. */
const CAP_NUMBERS: Record<string, number> = {
  CHOWN: 0,
  DAC_OVERRIDE: 1,
  FOWNER: 3,
  FSETID: 4,
  KILL: 5,
  SETGID: 6,
  SETUID: 7,
  NET_BIND_SERVICE: 10,
  NET_ADMIN: 12,
  NET_RAW: 13,
  SYS_CHROOT: 18,
  SYS_ADMIN: 21,
  AUDIT_WRITE: 29,
};
const mask = (caps: readonly string[]) => caps.reduce((m, c) => m | (1n << BigInt(CAP_NUMBERS[c] as number)), 0n);

function sh(cmd: string, args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(cmd, args, { timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error
        ? typeof (error as { code?: unknown }).code === "number"
          ? ((error as { code: number }).code as number)
          : 1
        : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

async function must(p: Promise<{ code: number; stdout: string; stderr: string }>): Promise<string> {
  const r = await p;
  if (r.code !== 0) throw new Error(`command failed (${r.code}): ${r.stderr || r.stdout}`);
  return r.stdout;
}

/** Runs a command in a container (as root, through the Engine API) and returns its output. */
async function execOut(ref: string, cmd: string[]): Promise<string> {
  const exec = await docker.getContainer(ref).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true, Tty: true });
  const stream = await exec.start({ hijack: true, stdin: false, Tty: true });
  let out = "";
  await new Promise<void>((resolve, reject) => {
    stream.on("data", (c: Buffer) => {
      out += c.toString("utf8");
    });
    stream.on("end", () => resolve());
    stream.on("close", () => resolve());
    stream.on("error", reject);
  });
  return out;
}

/** "open" when a TCP connection from inside the container to address:port succeeds within 3 s, else "closed". */
function probeCommand(address: string, port: number): string[] {
  return [
    "bash",
    "-c",
    `if timeout 3 bash -c 'exec 3<>/dev/tcp/${address}/${port}' 2>/dev/null; then echo open; else echo closed; fi`,
  ];
}
const probeFrom = async (ref: string, address: string, port: number) =>
  (await execOut(ref, probeCommand(address, port))).trim();

/** A TCP listener on the host, on every address (as the portal listens on :3000). */
async function hostListener(): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => {
    socket.on("error", () => undefined);
    socket.end("portal\n");
  });
  await new Promise<void>((resolve) => server.listen(0, "0.0.0.0", resolve));
  return { server, port: (server.address() as { port: number }).port };
}

async function hostAddresses(): Promise<string[]> {
  const links = JSON.parse(await must(sh("ip", ["-j", "-4", "addr"]))) as {
    ifname: string;
    addr_info: { local: string }[];
  }[];
  return links.filter((l) => l.ifname !== "lo").flatMap((l) => l.addr_info.map((a) => a.local));
}

/** A TCP listener on :2222 in a network namespace (a "guest service"), until stopped; no execFile timeout. */
const nsListeners: ChildProcess[] = [];
function listenIn(netns: string): void {
  const child = spawn(
    "ip",
    [
      "netns",
      "exec",
      netns,
      process.execPath,
      "-e",
      'require("net").createServer((s) => s.end()).listen(2222, "0.0.0.0")',
    ],
    { stdio: "ignore" },
  );
  nsListeners.push(child);
}
function stopListeners(): void {
  for (const child of nsListeners.splice(0)) child.kill();
}

const tableExists = async () => (await sh("nft", ["list", "table", "inet", ISOLATION_TABLE])).code === 0;

describe("Docker class networks: isolated from the host and from other classes", () => {
  const host = dockerHost("services-isolation");
  const provider = new DockerProvider(host);
  const ids = { a1: `i${RUN}a1`, a2: `i${RUN}a2`, b1: `i${RUN}b1`, raw: `i${RUN}r` };
  const ref = (id: string) => names.domain(id);
  let listener: { server: Server; port: number };

  function spec(machineId: string, network: string, capabilities: string[] | null = null): MachineSpec {
    return {
      machineId,
      name: `Iso ${machineId}`,
      vcpus: 1,
      memoryMb: 128,
      diskGb: 1,
      network,
      labels: { [TEST_LABEL]: "isolation" },
      template: {
        id: `iso${RUN}`,
        kind: "DOCKER",
        dockerImage: dockerTestImage(),
        dockerCommand: SSHD,
        dockerCapabilities: capabilities,
        shell: "/bin/bash",
        consoleKinds: ["ssh", "exec"],
        sshPort: 22,
        rdpPort: 3389,
        osType: "LINUX",
        keepDataDisk: false,
      },
    };
  }

  async function clean() {
    const containers = await docker.listContainers({ all: true, filters: { label: [`${TEST_LABEL}=isolation`] } });
    for (const c of containers) await docker.getContainer(c.Id).remove({ force: true, v: true });
    const networks = await docker.listNetworks({ filters: { name: ["lp-iso-"] } });
    for (const n of networks.filter((x) => x.Name.startsWith("lp-iso-"))) await provider.removeNetwork(n.Name);
  }

  const gatewayOf = async (network: string) =>
    (await docker.getNetwork(network).inspect()).IPAM?.Config?.[0]?.Gateway as string;
  const addressOf = async (id: string) => (await provider.addresses(ref(id)))[0] as string;

  beforeAll(async () => {
    await requireAssets("docker");
    await clean();
    listener = await hostListener();
    await provider.ensureNetwork(NET_A, { isolated: true });
    await provider.ensureNetwork(NET_B, { isolated: true });
    for (const [id, net, caps] of [
      [ids.a1, NET_A, null],
      [ids.a2, NET_A, null],
      [ids.b1, NET_B, null],
      [ids.raw, NET_A, ["NET_RAW", "SYS_ADMIN"]],
    ] as const) {
      await provider.create(spec(id, net, caps as string[] | null));
      await provider.start(ref(id));
    }
    // sshd answers on the classmate's address (same class network) before the probes start
    const a2 = await addressOf(ids.a2);
    await waitUntil(
      "sshd in the classmate's container",
      async () => (await probeFrom(ref(ids.a1), a2, 22)) === "open",
      20_000,
      500,
    );
  }, 120_000);

  afterAll(async () => {
    listener?.server.close();
    await clean();
  });

  it("control: without the table, the host's listener answers from inside the container (the bug)", async () => {
    const gateway = await gatewayOf(NET_A);
    await must(sh("nft", ["delete", "table", "inet", ISOLATION_TABLE]));
    try {
      expect(await probeFrom(ref(ids.a1), gateway, listener.port)).toBe("open");
    } finally {
      await applyIsolation();
    }
    expect(isolationError()).toBeNull();
    expect(await tableExists()).toBe(true);
  }, 30_000);

  it("the container reaches no host address: the portal's port and sshd on the gateway, the host's other interfaces", async () => {
    const gateway = await gatewayOf(NET_A);
    const targets = [...new Set([gateway, await gatewayOf(NET_B), ...(await hostAddresses())])];
    expect(targets.length).toBeGreaterThan(2);
    for (const address of targets)
      expect(`${address}:${listener.port} ${await probeFrom(ref(ids.a1), address, listener.port)}`).toBe(
        `${address}:${listener.port} closed`,
      );
    expect(await probeFrom(ref(ids.a1), gateway, 22)).toBe("closed");
    // the same listener answers on the host itself: it is the rules that refuse, not a missing service
    expect(
      (
        await must(sh("bash", ["-c", `timeout 3 bash -c 'exec 3<>/dev/tcp/${gateway}/${listener.port}' && echo open`]))
      ).trim(),
    ).toBe("open");
  }, 60_000);

  it("the container reaches a classmate on its own class network, not a machine of another class network", async () => {
    expect(await probeFrom(ref(ids.a1), await addressOf(ids.a2), 22)).toBe("open");
    expect(await probeFrom(ref(ids.a1), await addressOf(ids.b1), 22)).toBe("closed");
    expect(await probeFrom(ref(ids.b1), await addressOf(ids.a1), 22)).toBe("closed");
  }, 30_000);

  it("the host still reaches the containers: the SSH console's target (the container's address on a class network) answers", async () => {
    const target = await provider.terminalTarget(ref(ids.a1), spec(ids.a1, NET_A), "student");
    expect(target).toMatchObject({ kind: "ssh", host: await addressOf(ids.a1), port: 22 });
    const banner = await must(
      sh("bash", ["-c", `timeout 5 bash -c 'exec 3<>/dev/tcp/${await addressOf(ids.a1)}/22; head -c 7 <&3'`]),
    );
    expect(banner).toBe("SSH-2.0");
  }, 30_000);

  it("containers run with the reduced capability set; a template's allowed extras are added, others ignored", async () => {
    const capEff = async (id: string) =>
      BigInt(`0x${/CapEff:\s+([0-9a-f]+)/.exec(await execOut(ref(id), ["grep", "CapEff", "/proc/self/status"]))?.[1]}`);
    expect(await capEff(ids.a1)).toBe(mask(DEFAULT_CAPABILITIES));
    expect((await capEff(ids.a1)) & mask(["NET_RAW", "SYS_ADMIN", "NET_ADMIN"])).toBe(0n);
    expect(await capEff(ids.raw)).toBe(mask([...DEFAULT_CAPABILITIES, "NET_RAW"]));
    const info = await docker.getContainer(ref(ids.a1)).inspect();
    expect(info.HostConfig.CapDrop).toEqual(["ALL"]);
    // capsh in the image agrees: no cap_net_raw, cap_sys_chroot kept for sshd
    const current = /^Current: (.*)$/m.exec(await execOut(ref(ids.a1), ["capsh", "--print"]))?.[1] ?? "";
    expect(current).toMatch(/cap_sys_chroot/);
    expect(current).not.toMatch(/cap_net_raw|cap_sys_admin|cap_mknod/);
  }, 30_000);
});

describe("libvirt class networks: a guest on the bridge reaches dnsmasq only", () => {
  const host = libvirtHost("services-isolation-libvirt", "lab-portal-test", "qemu");
  const provider = new LibvirtProvider(host);
  const nets = { a: `lp-iso-a-${RUN}`, b: `lp-iso-b-${RUN}` };
  // a network namespace plugged into each class bridge by a veth pair stands in for a guest's NIC
  const ns = { a: `lpiso${RUN}a`, b: `lpiso${RUN}b`, a2: `lpiso${RUN}c` };
  let listener: { server: Server; port: number };

  async function plug(name: string, network: string, octet: number) {
    const bridge = bridgeFor(network);
    const [link] = JSON.parse(await must(sh("ip", ["-j", "-4", "addr", "show", "dev", bridge]))) as {
      addr_info: { local: string }[];
    }[];
    const gateway = link?.addr_info[0]?.local as string;
    const prefix = gateway.split(".").slice(0, 3).join(".");
    const hostEnd = `v${name.slice(-9)}`;
    await must(sh("ip", ["netns", "add", name]));
    await must(sh("ip", ["link", "add", hostEnd, "type", "veth", "peer", "name", "eth0", "netns", name]));
    await must(sh("ip", ["link", "set", hostEnd, "master", bridge, "up"]));
    await must(sh("ip", ["-n", name, "addr", "add", `${prefix}.${octet}/24`, "dev", "eth0"]));
    await must(sh("ip", ["-n", name, "link", "set", "eth0", "up"]));
    await must(sh("ip", ["-n", name, "link", "set", "lo", "up"]));
    await must(sh("ip", ["-n", name, "route", "add", "default", "via", gateway]));
    return { address: `${prefix}.${octet}`, gateway };
  }
  const probeNs = async (name: string, address: string, port: number) =>
    (await sh("ip", ["netns", "exec", name, ...probeCommand(address, port)])).stdout.trim();

  async function clean() {
    stopListeners();
    for (const name of Object.values(ns)) await sh("ip", ["netns", "del", name]);
    for (const network of Object.values(nets)) await provider.removeNetwork(network).catch(() => undefined);
  }

  let a: { address: string; gateway: string };
  let a2: { address: string; gateway: string };
  let b: { address: string; gateway: string };

  beforeAll(async () => {
    await requireAssets("libvirt");
    await clean();
    listener = await hostListener();
    await provider.ensureNetwork(nets.a);
    await provider.ensureNetwork(nets.b);
    a = await plug(ns.a, nets.a, 50);
    a2 = await plug(ns.a2, nets.a, 51);
    b = await plug(ns.b, nets.b, 50);
    // a "guest service" in the classmate's and the other class's namespace
    for (const name of [ns.a2, ns.b]) {
      listenIn(name);
    }
    await waitUntil(
      "the classmate's listener",
      async () => (await probeNs(ns.a, a2.address, 2222)) === "open",
      10_000,
      300,
    );
  }, 120_000);

  afterAll(async () => {
    listener?.server.close();
    await clean();
  });

  it("the bridges are in the table; the guest reaches no host address and not sshd, but dnsmasq's DNS answers", async () => {
    const table = await must(sh("nft", ["list", "table", "inet", ISOLATION_TABLE]));
    expect(table).toContain(bridgeFor(nets.a));
    expect(table).toContain(bridgeFor(nets.b));
    for (const address of [a.gateway, b.gateway, ...(await hostAddresses())])
      expect(`${address} ${await probeNs(ns.a, address, listener.port)}`).toBe(`${address} closed`);
    expect(await probeNs(ns.a, a.gateway, 22)).toBe("closed");
    expect(await probeNs(ns.a, a.gateway, 53)).toBe("open");
  }, 60_000);

  it("the guest reaches its classmate on the same class network, not the other class", async () => {
    expect(await probeNs(ns.a, a2.address, 2222)).toBe("open");
    expect(await probeNs(ns.a, b.address, 2222)).toBe("closed");
  }, 30_000);

  it("control: without the table the host's listener answers on the bridge (the bug), and the rebuild closes it again", async () => {
    await must(sh("nft", ["delete", "table", "inet", ISOLATION_TABLE]));
    try {
      expect(await probeNs(ns.a, a.gateway, listener.port)).toBe("open");
    } finally {
      await applyIsolation();
    }
    expect(await probeNs(ns.a, a.gateway, listener.port)).toBe("closed");
  }, 30_000);

  it("removing the class network takes its bridge out of the table", async () => {
    await sh("ip", ["netns", "del", ns.b]);
    await provider.removeNetwork(nets.b);
    const table = await must(sh("nft", ["list", "table", "inet", ISOLATION_TABLE]));
    expect(table).not.toContain(bridgeFor(nets.b));
    expect(table).toContain(bridgeFor(nets.a));
  }, 30_000);
});

/**
 * Runs a shell command in the test guest through its serial console (busybox sh on ttyS0, a pty on the host)
 * and returns what the console showed up to the end marker (markers are split with "" so the echoed command line
 * never matches them).
 */
const SERIAL_HELPER = `
import os, sys, time, tty, select
fd = os.open(sys.argv[1], os.O_RDWR | os.O_NOCTTY)
tty.setraw(fd)
os.write(fd, b"\\n" + sys.argv[2].encode() + b"; echo __E''ND__\\n")
out, deadline = b"", time.time() + float(sys.argv[3])
while time.time() < deadline and b"__END__" not in out:
    r, _, _ = select.select([fd], [], [], 0.5)
    if r: out += os.read(fd, 4096)
sys.stdout.write(out.decode("latin1"))
sys.exit(0 if b"__END__" in out else 3)
`;

describe("a real libvirt guest on an isolated class network", () => {
  const POOL = "lab-portal-test-iso";
  const host = libvirtHost("services-isolation-guest", POOL, virtType());
  const provider = new LibvirtProvider(host);
  const net = `lp-iso-g-${RUN}`;
  const other = `lp-iso-h-${RUN}`;
  const machineId = `i${RUN}g`;
  const ref = names.domain(machineId);
  const peers = { same: `lpiso${RUN}p`, other: `lpiso${RUN}q` };
  let listener: { server: Server; port: number };
  let serial = "";
  let gateway = "";

  const virsh = (...args: string[]) => sh("virsh", ["--quiet", "-c", LIBVIRT_URI, ...args]);
  async function inGuest(command: string, timeoutS = 30): Promise<string> {
    const r = await sh("python3", ["-c", SERIAL_HELPER, serial, command, String(timeoutS)]);
    if (r.code !== 0)
      throw new Error(
        `no answer from the guest's serial console to ${command}: ${JSON.stringify(r.stdout.slice(-500))} ${r.stderr}`,
      );
    return r.stdout;
  }
  const probeGuest = async (address: string, port: number) =>
    (
      await inGuest(`nc -w 3 ${address} ${port} </dev/null >/dev/null 2>&1 && echo R""ES=open || echo R""ES=closed`)
    ).match(/RES=(open|closed)/)?.[1] ?? "none";

  async function plugPeer(name: string, network: string, octet: number) {
    const bridge = bridgeFor(network);
    const [link] = JSON.parse(await must(sh("ip", ["-j", "-4", "addr", "show", "dev", bridge]))) as {
      addr_info: { local: string }[];
    }[];
    const gw = link?.addr_info[0]?.local as string;
    const address = `${gw.split(".").slice(0, 3).join(".")}.${octet}`;
    await must(sh("ip", ["netns", "add", name]));
    await must(sh("ip", ["link", "add", `v${name.slice(-9)}`, "type", "veth", "peer", "name", "eth0", "netns", name]));
    await must(sh("ip", ["link", "set", `v${name.slice(-9)}`, "master", bridge, "up"]));
    await must(sh("ip", ["-n", name, "addr", "add", `${address}/24`, "dev", "eth0"]));
    await must(sh("ip", ["-n", name, "link", "set", "eth0", "up"]));
    await must(sh("ip", ["-n", name, "route", "add", "default", "via", gw]));
    listenIn(name);
    return address;
  }

  async function clean() {
    stopListeners();
    await virsh("destroy", ref);
    await virsh("undefine", ref);
    for (const name of Object.values(peers)) await sh("ip", ["netns", "del", name]);
    for (const n of [net, other]) await provider.removeNetwork(n).catch(() => undefined);
    const vols = (await virsh("vol-list", POOL)).stdout
      .split("\n")
      .map((l) => l.trim().split(/\s+/)[0] ?? "")
      .filter(Boolean);
    for (const v of vols) await virsh("vol-delete", "--pool", POOL, v);
    await virsh("pool-destroy", POOL);
    await virsh("pool-delete", POOL);
    await virsh("pool-undefine", POOL);
  }

  let peerSame = "";
  let peerOther = "";

  beforeAll(async () => {
    await requireAssets("libvirt");
    await clean();
    listener = await hostListener();
    await provider.ensureNetwork(net);
    await provider.ensureNetwork(other);
    const { volume } = await provider.prepareTemplate({ id: `iso${RUN}`, imagePath: guestImagePath() });
    const spec: MachineSpec = {
      machineId,
      name: `Iso guest ${machineId}`,
      vcpus: 1,
      memoryMb: 128,
      diskGb: 1,
      network: net,
      template: {
        id: `iso${RUN}`,
        kind: "LIBVIRT",
        volume,
        volumeFormat: "qcow2",
        shell: "/bin/sh",
        consoleKinds: ["vnc"],
        sshPort: 22,
        rdpPort: 3389,
        osType: "LINUX",
        keepDataDisk: false,
      },
    };
    await provider.create(spec);
    await provider.start(ref, spec);
    const xml = await must(virsh("dumpxml", ref));
    serial =
      /<console type='pty' tty='([^']+)'/.exec(xml)?.[1] ?? /<source path='(\/dev\/pts\/\d+)'/.exec(xml)?.[1] ?? "";
    expect(serial).toMatch(/^\/dev\/pts\/\d+$/);
    gateway = (
      JSON.parse(await must(sh("ip", ["-j", "-4", "addr", "show", "dev", bridgeFor(net)]))) as {
        addr_info: { local: string }[];
      }[]
    )[0]?.addr_info[0]?.local as string;
    peerSame = await plugPeer(peers.same, net, 60);
    peerOther = await plugPeer(peers.other, other, 60);
    const fromHost = async (address: string) =>
      (await sh("bash", ["-c", `timeout 2 bash -c 'exec 3<>/dev/tcp/${address}/2222' && echo open`])).stdout.includes(
        "open",
      );
    await waitUntil(
      "the peers' listeners",
      async () => (await fromHost(peerSame)) && (await fromHost(peerOther)),
      20_000,
      300,
    );
    // booted (software emulation is slow) and leased an address by DHCP through the table's exception
    await waitUntil("the guest's DHCP lease", async () => (await provider.addresses(ref)).length > 0, 150_000, 2000);
    await waitUntil(
      "the guest's shell",
      async () => (await inGuest('echo RE""ADY', 5).catch(() => "")).includes("READY"),
      60_000,
      1000,
    );
  }, 300_000);

  afterAll(async () => {
    listener?.server.close();
    await clean();
  }, 60_000);

  it("from inside the guest: no host service (portal port, sshd), DNS answers, a peer on its class network answers, another class does not", async () => {
    expect(await probeGuest(gateway, listener.port)).toBe("closed");
    expect(await probeGuest(gateway, 22)).toBe("closed");
    for (const address of await hostAddresses())
      expect(`${address} ${await probeGuest(address, listener.port)}`).toBe(`${address} closed`);
    expect(await probeGuest(gateway, 53)).toBe("open");
    // reachable (the first try may wait for ARP on a freshly booted guest, so a few tries)
    expect(
      await waitUntil(
        "the classmate from inside the guest",
        async () => (await probeGuest(peerSame, 2222)) === "open",
        20_000,
        500,
      ),
    ).toBe(true);
    expect(await probeGuest(peerOther, 2222)).toBe("closed");
  }, 180_000);

  it("control: without the table the guest reaches the host's listener (the bug)", async () => {
    await must(sh("nft", ["delete", "table", "inet", ISOLATION_TABLE]));
    try {
      expect(await probeGuest(gateway, listener.port)).toBe("open");
    } finally {
      await applyIsolation();
    }
    expect(await probeGuest(gateway, listener.port)).toBe("closed");
  }, 60_000);
});
