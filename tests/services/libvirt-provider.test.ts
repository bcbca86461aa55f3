// LibvirtProvider against the real libvirtd (qemu:///system) with the tiny guest image: pool, base volume,
// overlays, display ports and passwords, DHCP, graceful stop, revert, full copies, delete, inventory, events.
// Uses its own storage pool (lab-portal-test) and unique lp-t… machine ids; everything is removed afterwards.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import { Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LibvirtProvider } from "../../src/server/providers/libvirt/provider";
import { type MachineSpec, names, ProviderError } from "../../src/server/providers/types";
import { guestImagePath, LIBVIRT_URI, requireAssets, virtType } from "../support/assets";
import { libvirtHost, providerWatch, waitUntil } from "../support/services";

const POOL = "lab-portal-test";
const RUN = Date.now().toString(36);
const MACHINE_ID = `t${RUN}`;
const COPY_ID = `t${RUN}f`;
const DATA_ID = `t${RUN}d`;
const TEMPLATE_ID = `svc${RUN}`;
const REF = names.domain(MACHINE_ID);

type Out = { code: number; stdout: string; stderr: string };

function sh(command: string, args: string[], timeoutMs = 60_000): Promise<Out> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, LC_ALL: "C" } },
      (error, stdout, stderr) => {
        const code = error
          ? typeof (error as { code?: unknown }).code === "number"
            ? ((error as { code: number }).code as number)
            : 1
          : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}

const virsh = (...args: string[]) => sh("virsh", ["--quiet", "-c", LIBVIRT_URI, ...args]);

async function must(out: Promise<Out>): Promise<string> {
  const r = await out;
  if (r.code !== 0) throw new Error(`command failed (${r.code}): ${r.stderr.trim()}`);
  return r.stdout;
}

function unescapeXml(text: string): string {
  const entities: Record<string, string> = { lt: "<", gt: ">", amp: "&", apos: "'", quot: '"' };
  return text.replace(/&(lt|gt|amp|apos|quot);/g, (_, name: string) => entities[name] as string);
}

async function sha256(path: string): Promise<string> {
  return createHash("sha256")
    .update(await readFile(path))
    .digest("hex");
}

type ImgInfo = {
  "backing-filename"?: string;
  "backing-filename-format"?: string;
  "actual-size": number;
  "virtual-size": number;
  format: string;
};

async function imgInfo(path: string): Promise<ImgInfo> {
  return JSON.parse(await must(sh("qemu-img", ["info", "-U", "--output=json", path]))) as ImgInfo;
}

async function volPath(volume: string): Promise<string> {
  return (await must(virsh("vol-path", "--pool", POOL, volume))).trim();
}

async function poolVolumes(): Promise<string[]> {
  const r = await virsh("vol-list", POOL);
  if (r.code !== 0) return [];
  return r.stdout
    .split("\n")
    .map((l) => l.trim().split(/\s+/)[0] ?? "")
    .filter(Boolean);
}

/** Reads from a TCP port until `bytes` bytes arrived (or the port just accepts, with bytes = 0). */
function readBanner(host: string, port: number, bytes: number, timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    let data = Buffer.alloc(0);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new Error(
          `no ${bytes}-byte banner from ${host}:${port} within ${timeoutMs} ms (got ${JSON.stringify(data.toString("latin1"))})`,
        ),
      );
    }, timeoutMs);
    const done = (value: string) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(value);
    };
    socket.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on("data", (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      if (data.length >= bytes) done(data.subarray(0, bytes).toString("latin1"));
    });
    socket.connect(port, host, () => {
      if (bytes === 0) done("");
    });
  });
}

/** Everything this suite may have left on the host: domains whose disks are in the test pool, then the pool. */
async function cleanHost() {
  const pool = await virsh("pool-dumpxml", POOL);
  const poolPath = /<path>([^<]+)<\/path>/.exec(pool.stdout)?.[1] ?? `/var/lib/libvirt/images/${POOL}`;
  const domains = (await must(virsh("list", "--all", "--name"))).split("\n").map((l) => l.trim());
  for (const domain of domains.filter((d) => d.startsWith("lp-t"))) {
    const xml = await virsh("dumpxml", domain);
    if (xml.code !== 0 || !xml.stdout.includes(`${poolPath}/`)) continue;
    await virsh("destroy", domain);
    await virsh("undefine", domain);
  }
  if (pool.code !== 0) return;
  for (const volume of await poolVolumes()) await virsh("vol-delete", "--pool", POOL, volume);
  await virsh("pool-destroy", POOL);
  await virsh("pool-delete", POOL);
  await virsh("pool-undefine", POOL);
}

const host = libvirtHost("services-libvirt", POOL, virtType());

function machineSpec(machineId: string, baseVolume: string, extra: Partial<MachineSpec> = {}): MachineSpec {
  return {
    machineId,
    // Hostile on purpose: goes into the domain's <title> of a real definition.
    name: `svc '<>&" ${machineId}`,
    vcpus: 1,
    memoryMb: 128,
    diskGb: 1,
    template: {
      id: TEMPLATE_ID,
      kind: "LIBVIRT",
      volume: baseVolume,
      volumeFormat: "qcow2",
      shell: "/bin/sh",
      consoleKinds: ["vnc", "spice", "ssh"],
      sshPort: 22,
      rdpPort: 3389,
      osType: "LINUX",
      keepDataDisk: false,
    },
    ...extra,
  };
}

describe("LibvirtProvider on the real libvirtd", () => {
  const provider = new LibvirtProvider(host);
  const { events, start: startWatch, stop: stopWatch } = providerWatch(provider);
  let baseVolume = "";
  let basePath = "";
  let baseHash = "";
  let spec: MachineSpec;
  let firstPassword = "";

  beforeAll(async () => {
    await requireAssets("libvirt");
    await cleanHost();
    startWatch();
  });

  afterAll(async () => {
    stopWatch();
    await cleanHost();
  });

  it("probe reads the host and creates its own storage pool", async () => {
    const probe = await provider.probe();
    expect(probe.version).toMatch(/QEMU/i);
    expect(probe.vcpus).toBeGreaterThan(0);
    expect(probe.memoryMb).toBeGreaterThan(100);
    if (host.virtType === "kvm") expect(probe.warnings).toEqual([]);
    else expect(probe.warnings.join(" ")).toMatch(/software emulation/i);
    const info = await must(virsh("pool-info", POOL));
    expect(info).toMatch(/State:\s+running/);
  });

  it("probe of an unreachable libvirt fails with UNREACHABLE", async () => {
    const unreachable = new LibvirtProvider({ ...host, uri: "qemu+tcp://127.0.0.1:1/system" });
    const error = await unreachable.probe().then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).reason).toBe("UNREACHABLE");
    expect((error as ProviderError).message).toContain("127.0.0.1:1");
  });

  it("state of an unknown domain is missing", async () => {
    expect(await provider.state(`lp-nosuch${RUN}`)).toBe("missing");
  });

  it("prepareTemplate uploads the base volume once", async () => {
    await expect(provider.prepareTemplate({ id: TEMPLATE_ID, imagePath: null })).rejects.toMatchObject({
      reason: "INVALID",
    });
    const progress: [number, number][] = [];
    const result = await provider.prepareTemplate({ id: TEMPLATE_ID, imagePath: guestImagePath() }, (done, total) =>
      progress.push([done, total]),
    );
    baseVolume = result.volume;
    expect(baseVolume).toBe(names.baseVolume(TEMPLATE_ID));
    const size = (await stat(guestImagePath())).size;
    expect(progress.at(-1)).toEqual([size, size]);
    basePath = await volPath(baseVolume);
    baseHash = await sha256(basePath);
    expect(baseHash).toBe(await sha256(guestImagePath()));
    const mtime = (await stat(basePath)).mtimeMs;

    const again: [number, number][] = [];
    expect(
      await provider.prepareTemplate({ id: TEMPLATE_ID, imagePath: guestImagePath() }, (d, t) => again.push([d, t])),
    ).toEqual({ volume: baseVolume });
    expect(again).toEqual([]);
    expect((await stat(basePath)).mtimeMs).toBe(mtime);
    expect((await poolVolumes()).filter((v) => v === baseVolume)).toHaveLength(1);
  });

  it("create makes a small overlay on the base volume and defines a stopped domain", async () => {
    spec = machineSpec(MACHINE_ID, baseVolume);
    const created = await provider.create(spec);
    expect(created).toEqual({ ref: REF, diskVolume: names.disk(MACHINE_ID) });
    const info = await imgInfo(await volPath(names.disk(MACHINE_ID)));
    expect(info.format).toBe("qcow2");
    expect(info["backing-filename"]).toBe(basePath);
    expect(info["actual-size"]).toBeLessThan(2 * 1024 * 1024);
    expect(info["virtual-size"]).toBe(1024 ** 3);
    expect(await provider.state(REF)).toBe("stopped");
    const xml = await must(virsh("dumpxml", REF));
    expect(xml).toContain(`<domain type='${host.virtType}'`);
    const title = /<title>([^<]*)<\/title>/.exec(xml)?.[1] ?? "";
    expect(unescapeXml(title)).toBe(spec.name);
    expect(await provider.inventory()).toContainEqual({ ref: REF, machineId: MACHINE_ID, state: "stopped" });
  });

  it("start runs the domain with VNC and SPICE on 127.0.0.1 and a fresh 8-character password", async () => {
    const started = await provider.start(REF, spec);
    expect(await provider.state(REF)).toBe("running");
    const display = started.display;
    expect(display).not.toBeNull();
    if (!display) return;
    firstPassword = display.password;
    expect(display.host).toBe("127.0.0.1");
    expect(display.password).toMatch(/^[A-Za-z0-9]{8}$/);
    expect(display.vncPort).toBeGreaterThan(0);
    expect(display.spicePort).toBeGreaterThan(0);
    expect(await provider.displayInfo(REF)).toEqual({
      host: "127.0.0.1",
      vncPort: display.vncPort,
      spicePort: display.spicePort,
    });

    expect(await readBanner("127.0.0.1", display.vncPort as number, 12)).toBe("RFB 003.008\n");
    await readBanner("127.0.0.1", display.spicePort as number, 0);
    const listening = await must(sh("ss", ["-Hltn"]));
    for (const port of [display.vncPort, display.spicePort]) {
      const lines = listening.split("\n").filter((l) => new RegExp(`:${port}\\s`).test(l));
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) expect(line).toMatch(new RegExp(`\\s127\\.0\\.0\\.1:${port}\\s`));
    }

    const xml = await must(virsh("dumpxml", "--security-info", REF));
    expect(xml).toContain(`passwd='${display.password}'`);
    expect(await provider.inventory()).toContainEqual({ ref: REF, machineId: MACHINE_ID, state: "running" });
  });

  it("the guest gets a DHCP address on the portal network", async () => {
    const net = await must(virsh("net-dumpxml", "lab-portal"));
    const gateway = /<ip address='([\d.]+)'/.exec(net)?.[1] ?? "";
    const prefix = gateway.split(".").slice(0, 3).join(".");
    const addresses = await waitUntil(
      "a DHCP lease",
      async () => {
        const a = await provider.addresses(REF);
        return a.length > 0 ? a : null;
      },
      60_000,
      1000,
    );
    expect(addresses[0]).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(addresses[0]?.startsWith(`${prefix}.`)).toBe(true);
    const target = await provider.terminalTarget(REF, spec, "student");
    expect(target).toEqual({ kind: "ssh", host: addresses[0], port: 22, user: "student" });
  });

  it("stats report CPU time and memory of the running guest", async () => {
    const stats = await provider.stats(REF);
    expect(stats.cpuSeconds).toBeGreaterThan(0);
    expect(stats.memoryLimitBytes).toBe(128 * 1024 * 1024);
  });

  it("stop shuts the guest down gracefully", async () => {
    const t0 = Date.now();
    expect(await provider.stop(REF, { timeoutMs: 30_000 })).toEqual({ forced: false });
    expect(Date.now() - t0).toBeLessThan(30_000);
    expect(await provider.state(REF)).toBe("stopped");
    expect(await provider.stop(REF)).toEqual({ forced: false });
  });

  it("watch reported running, then stopped, for the test domain", async () => {
    const mine = () => events.filter((e) => e.ref === REF).map((e) => e.state);
    await waitUntil("the stopped event", async () => mine().includes("stopped"), 10_000, 200);
    const states = mine();
    expect(states.indexOf("running")).toBeGreaterThanOrEqual(0);
    expect(states.lastIndexOf("stopped")).toBeGreaterThan(states.indexOf("running"));
    expect(events.find((e) => e.ref === REF)?.machineId).toBe(MACHINE_ID);
  });

  it("revert discards what was written to the machine's disk and leaves the base alone", async () => {
    const disk = await volPath(names.disk(MACHINE_ID));
    await must(sh("qemu-io", ["-f", "qcow2", "-c", "write -P 0xab 1M 64k", disk]));
    await must(sh("qemu-io", ["-f", "qcow2", "-c", "read -P 0xab 1M 64k", disk]));
    expect((await imgInfo(disk))["actual-size"]).toBeGreaterThan(0);

    expect(await provider.revert(REF, spec)).toEqual({ ref: REF, diskVolume: names.disk(MACHINE_ID) });
    const read = await sh("qemu-io", ["-f", "qcow2", "-c", "read -P 0xab 1M 64k", disk]);
    expect(read.code).not.toBe(0);
    expect(read.stdout).toMatch(/Pattern verification failed/);
    const info = await imgInfo(disk);
    expect(info["backing-filename"]).toBe(basePath);
    expect(info["actual-size"]).toBeLessThan(2 * 1024 * 1024);
    expect(await sha256(basePath)).toBe(baseHash);
    expect(await provider.state(REF)).toBe("stopped");
  });

  it("a second start boots the reverted disk with a new password that the definition carries", async () => {
    const started = await provider.start(REF, spec);
    const password = started.display?.password ?? "";
    expect(password).toMatch(/^[A-Za-z0-9]{8}$/);
    expect(password).not.toBe(firstPassword);
    const xml = await must(virsh("dumpxml", "--security-info", REF));
    expect(xml).toContain(`passwd='${password}'`);
    expect(xml).not.toContain(`passwd='${firstPassword}'`);
    expect(await provider.state(REF)).toBe("running");
    expect(await provider.stop(REF, { force: true })).toEqual({ forced: true });
    expect(await provider.state(REF)).toBe("stopped");
  });

  it("fullCopy gives a disk without a backing file", async () => {
    const copySpec = machineSpec(COPY_ID, baseVolume, { fullCopy: true });
    const created = await provider.create(copySpec);
    const info = await imgInfo(await volPath(created.diskVolume ?? ""));
    expect(info["backing-filename"]).toBeUndefined();
    expect(info.format).toBe("qcow2");
    expect(info["virtual-size"]).toBe(64 * 1024 * 1024);
    const xml = await must(virsh("dumpxml", names.domain(COPY_ID)));
    expect(xml).toContain(`${await volPath(names.disk(COPY_ID))}'`);
    await provider.delete(names.domain(COPY_ID), copySpec);
    expect(await poolVolumes()).not.toContain(names.disk(COPY_ID));
  });

  it("a kept data disk survives revert and goes with delete", async () => {
    const dataSpec = machineSpec(DATA_ID, baseVolume);
    dataSpec.template = { ...dataSpec.template, keepDataDisk: true };
    await provider.create(dataSpec);
    const dataPath = await volPath(names.dataDisk(DATA_ID));
    const xml = await must(virsh("dumpxml", names.domain(DATA_ID)));
    expect(xml).toContain(`<source file='${dataPath}'/>`);
    expect(xml).toContain("<target dev='vdb' bus='virtio'/>");
    await must(sh("qemu-io", ["-f", "qcow2", "-c", "write -P 0xcd 0 64k", dataPath]));
    await provider.revert(names.domain(DATA_ID), dataSpec);
    await must(sh("qemu-io", ["-f", "qcow2", "-c", "read -P 0xcd 0 64k", dataPath]));
    await provider.delete(names.domain(DATA_ID), dataSpec);
    const volumes = await poolVolumes();
    expect(volumes).not.toContain(names.disk(DATA_ID));
    expect(volumes).not.toContain(names.dataDisk(DATA_ID));
  });

  it("delete removes the domain and its volumes, and deleting again is fine", async () => {
    await provider.delete(REF, spec);
    expect((await virsh("dominfo", REF)).code).not.toBe(0);
    const volumes = await poolVolumes();
    expect(volumes).not.toContain(names.disk(MACHINE_ID));
    expect(volumes).not.toContain(names.dataDisk(MACHINE_ID));
    expect(volumes).toContain(baseVolume);
    expect(await provider.state(REF)).toBe("missing");
    await expect(provider.delete(REF, spec)).resolves.toBeUndefined();
    expect((await provider.inventory()).some((i) => i.ref === REF)).toBe(false);
  });

  it("removeTemplate deletes the base volume", async () => {
    await provider.removeTemplate(baseVolume);
    expect(await poolVolumes()).not.toContain(baseVolume);
    await expect(provider.removeTemplate(baseVolume)).resolves.toBeUndefined();
  });
});
