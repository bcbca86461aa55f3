// DockerProvider against the real dockerd (unix socket) with the SSH test image: limits and labels, published
// SSH on 127.0.0.1, terminal targets, stop, revert to a fresh container, delete, events, networks.
// Containers carry the label lab-portal.test=services and networks are named lp-test-…; both are removed afterwards.
import { Socket } from "node:net";
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DockerProvider, LABEL, MANAGED } from "../../src/server/providers/docker/provider";
import { type MachineProvider, type MachineSpec, names, ProviderError } from "../../src/server/providers/types";
import { DOCKER_SOCKET, dockerTestImage, requireAssets } from "../support/assets";
import { dockerHost, providerWatch, waitUntil } from "../support/services";

const RUN = Date.now().toString(36);
const MACHINE_ID = `t${RUN}`;
const DEFAULT_CMD_ID = `t${RUN}c`;
const NETWORK = `lp-test-${RUN}`;
const TEST_LABEL = "lab-portal.test";
const REF = names.domain(MACHINE_ID);
/** The test image's own command, named explicitly by the main template. */
const SSHD = ["/bin/sh", "-c", "mkdir -p /run/sshd && exec /usr/sbin/sshd -D -e"];

const docker = new Docker({ socketPath: DOCKER_SOCKET });

const host = dockerHost("services-docker");

function machineSpec(
  machineId: string,
  extra: { consoleKinds?: string[]; dockerCommand?: string[] | null } = {},
): MachineSpec {
  return {
    machineId,
    name: `Svc Test ${machineId}`,
    vcpus: 1,
    memoryMb: 256,
    diskGb: 1,
    network: NETWORK,
    labels: { [TEST_LABEL]: "services" },
    template: {
      id: `tpl${RUN}`,
      kind: "DOCKER",
      dockerImage: dockerTestImage(),
      dockerCommand: extra.dockerCommand === undefined ? SSHD : extra.dockerCommand,
      shell: "/bin/bash",
      consoleKinds: extra.consoleKinds ?? ["ssh", "exec"],
      sshPort: 22,
      rdpPort: 3389,
      osType: "LINUX",
      keepDataDisk: false,
    },
  };
}

/** Runs a command in a container through the Engine API and returns its exit code. */
async function execIn(containerId: string, cmd: string[]): Promise<number> {
  const exec = await docker.getContainer(containerId).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({});
  await new Promise<void>((resolve, reject) => {
    stream.on("end", () => resolve());
    stream.on("close", () => resolve());
    stream.on("error", reject);
    stream.resume();
  });
  const info = await waitUntil(
    "the exec to finish",
    async () => {
      const i = await exec.inspect();
      return i.Running ? null : i;
    },
    10_000,
    100,
  );
  return info.ExitCode ?? -1;
}

/** Connects and reads until a line arrives (an SSH server sends "SSH-2.0-…" first). */
function readLine(hostname: string, port: number, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    let data = "";
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no line from ${hostname}:${port} within ${timeoutMs} ms (got ${JSON.stringify(data)})`));
    }, timeoutMs);
    socket.setEncoding("latin1");
    socket.on("error", (error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(error);
    });
    // docker-proxy accepts before sshd listens and then just closes: that is a retry, not a wait.
    socket.on("close", () => {
      clearTimeout(timer);
      reject(new Error(`${hostname}:${port} closed the connection (got ${JSON.stringify(data)})`));
    });
    socket.on("data", (chunk: string) => {
      data += chunk;
      const nl = data.indexOf("\n");
      if (nl >= 0) {
        clearTimeout(timer);
        socket.destroy();
        resolve(data.slice(0, nl).trim());
      }
    });
    socket.connect(port, hostname);
  });
}

/** SSH banner, retrying while sshd is still coming up (connection reset/refused or closed without a line). */
async function sshBanner(hostname: string, port: number, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = null;
  while (Date.now() < deadline) {
    try {
      return await readLine(hostname, port, Math.min(5000, Math.max(1000, deadline - Date.now())));
    } catch (error) {
      last = error;
      await new Promise((r) => setTimeout(r, 300));
    }
  }
  throw new Error(`no SSH banner on ${hostname}:${port} within ${timeoutMs} ms: ${String(last)}`);
}

async function cleanHost() {
  const containers = await docker.listContainers({ all: true, filters: { label: [`${TEST_LABEL}=services`] } });
  for (const c of containers) await docker.getContainer(c.Id).remove({ force: true, v: true });
  const networks = await docker.listNetworks({ filters: { name: ["lp-test-"] } });
  for (const n of networks.filter((x) => x.Name.startsWith("lp-test-"))) await docker.getNetwork(n.Id).remove();
}

describe("DockerProvider on the real dockerd", () => {
  // Through the interface, as the portal's domain code uses it.
  const provider: MachineProvider = new DockerProvider(host);
  const { events, start: startWatch, stop: stopWatch } = providerWatch(provider);
  let spec: MachineSpec;
  let containerId = "";

  beforeAll(async () => {
    await requireAssets("docker");
    await cleanHost();
    startWatch();
  });

  afterAll(async () => {
    stopWatch();
    await cleanHost();
  });

  it("probe reads the Docker version and size", async () => {
    const probe = await provider.probe();
    expect(probe.version).toMatch(/^Docker \d+\./);
    expect(probe.vcpus).toBeGreaterThan(0);
    expect(probe.memoryMb).toBeGreaterThan(100);
  });

  it("an unreachable endpoint fails with UNREACHABLE", async () => {
    const unreachable = new DockerProvider({ ...host, uri: "tcp://127.0.0.1:1" });
    const error = await unreachable.probe().then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).reason).toBe("UNREACHABLE");
  });

  it("prepareTemplate accepts the present image and names a missing one", async () => {
    expect(await provider.prepareTemplate({ id: "x", dockerImage: dockerTestImage() })).toEqual({
      volume: dockerTestImage(),
    });
    const missing = `labportal/no-such-image-${RUN}:latest`;
    const error = await provider.prepareTemplate({ id: "x", dockerImage: missing }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).reason).toBe("NOT_FOUND");
    expect((error as ProviderError).message).toContain(missing);
    await expect(provider.prepareTemplate({ id: "x", dockerImage: null })).rejects.toMatchObject({ reason: "INVALID" });
  });

  it("ensureNetwork is idempotent, also across provider instances", async () => {
    await provider.ensureNetwork(NETWORK);
    await provider.ensureNetwork(NETWORK);
    await new DockerProvider(host).ensureNetwork(NETWORK);
    const found = (await docker.listNetworks({ filters: { name: [NETWORK] } })).filter((n) => n.Name === NETWORK);
    expect(found).toHaveLength(1);
    expect(found[0]?.Labels?.[MANAGED]).toBe("true");
    expect(found[0]?.Internal).toBe(false);

    const isolated = `${NETWORK}-iso`;
    await new DockerProvider(host).ensureNetwork(isolated, { isolated: true });
    expect((await docker.getNetwork(isolated).inspect()).Internal).toBe(true);
    await provider.removeNetwork(isolated);
    await expect(docker.getNetwork(isolated).inspect()).rejects.toMatchObject({ statusCode: 404 });
    await expect(provider.removeNetwork(isolated)).resolves.toBeUndefined();
  });

  it("create makes a limited, unprivileged container with the portal's labels and SSH on 127.0.0.1", async () => {
    spec = machineSpec(MACHINE_ID);
    const created = await provider.create(spec);
    expect(created.ref).toBe(REF);
    containerId = created.diskVolume ?? "";
    const info = await docker.getContainer(REF).inspect();
    expect(info.Id).toBe(containerId);
    expect(info.Config.Image).toBe(dockerTestImage());
    expect(info.Config.Cmd).toEqual(SSHD);
    expect(info.Config.Labels).toMatchObject({
      [MANAGED]: "true",
      [LABEL]: MACHINE_ID,
      "lab-portal.template": `tpl${RUN}`,
      [TEST_LABEL]: "services",
    });
    expect(info.HostConfig.NanoCpus).toBe(1_000_000_000);
    expect(info.HostConfig.Memory).toBe(256 * 1024 * 1024);
    expect(info.HostConfig.Privileged).toBe(false);
    expect(info.HostConfig.NetworkMode).toBe(NETWORK);
    expect(info.HostConfig.NetworkMode).not.toBe("host");
    expect(info.HostConfig.SecurityOpt).toContain("no-new-privileges");
    expect(info.HostConfig.PortBindings).toEqual({ "22/tcp": [{ HostIp: "127.0.0.1", HostPort: "" }] });
    expect(await provider.state(REF)).toBe("stopped");
  });

  it("start runs the container and SSH answers on the published 127.0.0.1 port", async () => {
    expect(await provider.start(REF, spec)).toEqual({ display: null });
    expect(await provider.state(REF)).toBe("running");
    const target = await provider.terminalTarget(REF, spec, "student");
    expect(target).toMatchObject({ kind: "ssh", host: "127.0.0.1", user: "student" });
    if (target?.kind !== "ssh") return;
    expect(target.port).toBeGreaterThan(0);
    expect(target.port).not.toBe(22);
    expect(await sshBanner(target.host, target.port)).toMatch(/^SSH-2\.0-/);
    const info = await docker.getContainer(REF).inspect();
    expect(info.NetworkSettings.Ports["22/tcp"]?.every((b) => b.HostIp === "127.0.0.1")).toBe(true);
    const addresses = await provider.addresses(REF);
    expect(addresses).toHaveLength(1);
    expect(addresses[0]).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(await provider.inventory()).toContainEqual({ ref: REF, machineId: MACHINE_ID, state: "running" });
    const stats = await provider.stats(REF);
    expect(stats.memoryLimitBytes).toBe(256 * 1024 * 1024);
    expect(stats.cpuSeconds).toBeGreaterThan(0);
  });

  it("terminalTarget without a user gives an exec target with the container id", async () => {
    const execOnly = machineSpec(MACHINE_ID, { consoleKinds: ["exec"] });
    expect(await provider.terminalTarget(REF, execOnly, null)).toEqual({
      kind: "exec",
      containerId,
      shell: "/bin/bash",
    });
    expect(await provider.terminalTarget(REF, spec, null)).toEqual({ kind: "exec", containerId, shell: "/bin/bash" });
    expect(
      await provider.terminalTarget(REF, machineSpec(MACHINE_ID, { consoleKinds: ["rdp"] }), "student"),
    ).toBeNull();
  });

  it("stop stops the container without forcing", async () => {
    expect(await execIn(containerId, ["touch", "/root/mark"])).toBe(0);
    expect(await execIn(containerId, ["test", "-e", "/root/mark"])).toBe(0);
    const t0 = Date.now();
    expect(await provider.stop(REF, { timeoutMs: 10_000 })).toEqual({ forced: false });
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(await provider.state(REF)).toBe("stopped");
    expect(await provider.stop(REF)).toEqual({ forced: false });
  });

  it("watch reported running, then stopped, with the machine id", async () => {
    const mine = () => events.filter((e) => e.ref === REF);
    await waitUntil("the stopped event", async () => mine().some((e) => e.state === "stopped"), 10_000, 100);
    const states = mine().map((e) => e.state);
    expect(states.indexOf("running")).toBeGreaterThanOrEqual(0);
    expect(states.lastIndexOf("stopped")).toBeGreaterThan(states.indexOf("running"));
    expect(mine().every((e) => e.machineId === MACHINE_ID)).toBe(true);
  });

  it("revert replaces the container: new id, and what was written is gone", async () => {
    const reverted = await provider.revert(REF, spec);
    expect(reverted.ref).toBe(REF);
    expect(reverted.diskVolume).toBeTruthy();
    expect(reverted.diskVolume).not.toBe(containerId);
    await expect(docker.getContainer(containerId).inspect()).rejects.toMatchObject({ statusCode: 404 });
    const fresh = await docker.getContainer(REF).inspect();
    expect(fresh.Id).toBe(reverted.diskVolume);
    expect(fresh.Config.Labels[LABEL]).toBe(MACHINE_ID);
    expect(await provider.state(REF)).toBe("stopped");
    await provider.start(REF, spec);
    expect(await provider.state(REF)).toBe("running");
    expect(await execIn(fresh.Id, ["test", "-e", "/root/mark"])).toBe(1);
    containerId = fresh.Id;
  });

  it("delete removes the container, and deleting again is fine", async () => {
    await provider.delete(REF, spec);
    expect(await provider.state(REF)).toBe("missing");
    await expect(docker.getContainer(containerId).inspect()).rejects.toMatchObject({ statusCode: 404 });
    await expect(provider.delete(REF, spec)).resolves.toBeUndefined();
    expect((await provider.inventory()).some((i) => i.ref === REF)).toBe(false);
    await waitUntil(
      "the missing event",
      async () => events.some((e) => e.ref === REF && e.state === "missing"),
      10_000,
      100,
    );
  });

  it("a template without a command keeps the image's own command (sshd here)", async () => {
    const image = await docker.getImage(dockerTestImage()).inspect();
    const plain = machineSpec(DEFAULT_CMD_ID, { dockerCommand: null });
    await provider.create(plain);
    const info = await docker.getContainer(names.domain(DEFAULT_CMD_ID)).inspect();
    await provider.delete(names.domain(DEFAULT_CMD_ID), plain);
    expect(info.Config.Cmd).toEqual(image.Config.Cmd);
  });
});
