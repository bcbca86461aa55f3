// The demo desktop image (scripts/assets/build-rdp-image.sh, seeded as "Demo desktop (RDP)"): a container made
// from it by the DockerProvider publishes RDP on 127.0.0.1, and what answers there speaks RDP: an X.224
// Connection Request (with an RDP negotiation request) gets an X.224 Connection Confirm.
import { Socket } from "node:net";
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DockerProvider } from "../../src/server/providers/docker/provider";
import { type MachineSpec, names } from "../../src/server/providers/types";
import { DOCKER_SOCKET, requireAssets } from "../support/assets";
import { dockerHost } from "../support/services";

const IMAGE = process.env.LAB_DEMO_RDP_IMAGE ?? "labportal/demo-rdp:latest";
const RUN = Date.now().toString(36);
const MACHINE_ID = `r${RUN}`;
const NETWORK = `lp-test-rdp-${RUN}`;
const TEST_LABEL = "lab-portal.test";

const docker = new Docker({ socketPath: DOCKER_SOCKET });
const host = dockerHost("services-docker-rdp");

const spec: MachineSpec = {
  machineId: MACHINE_ID,
  name: `Svc RDP ${MACHINE_ID}`,
  vcpus: 1,
  memoryMb: 256,
  diskGb: 1,
  fullCopy: false,
  network: NETWORK,
  install: null,
  labels: { [TEST_LABEL]: "services-rdp" },
  template: {
    id: `tpl${RUN}`,
    kind: "DOCKER",
    volume: null,
    volumeFormat: "qcow2",
    dockerImage: IMAGE,
    dockerCommand: null,
    shell: "/bin/bash",
    consoleKinds: ["rdp", "ssh", "exec"],
    sshPort: 22,
    rdpPort: 3389,
    osType: "LINUX",
    keepDataDisk: false,
  },
} as MachineSpec;

/** TPKT + X.224 Connection Request + RDP_NEG_REQ (TLS | CredSSP), as mstsc sends first. */
const CONNECTION_REQUEST = Buffer.from([
  0x03, 0x00, 0x00, 0x13, 0x0e, 0xe0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x08, 0x00, 0x03, 0x00, 0x00, 0x00,
]);

/** Sends the Connection Request and resolves with the first TPKT packet the server answers. */
function x224(port: number, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    let data = Buffer.alloc(0);
    const done = (error: Error | null, value?: Buffer) => {
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(value as Buffer);
    };
    const timer = setTimeout(() => done(new Error(`no answer on 127.0.0.1:${port} within ${timeoutMs} ms`)), timeoutMs);
    socket.on("error", (error) => done(error));
    socket.on("close", () => done(new Error(`127.0.0.1:${port} closed the connection (got ${data.toString("hex")})`)));
    socket.on("data", (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      if (data.length >= 4 && data.length >= data.readUInt16BE(2)) done(null, data.subarray(0, data.readUInt16BE(2)));
    });
    socket.connect(port, "127.0.0.1", () => socket.write(CONNECTION_REQUEST));
  });
}

async function clean() {
  for (const c of await docker.listContainers({ all: true, filters: { label: [`${TEST_LABEL}=services-rdp`] } })) {
    await docker
      .getContainer(c.Id)
      .remove({ force: true })
      .catch(() => undefined);
  }
  await docker
    .getNetwork(NETWORK)
    .remove()
    .catch(() => undefined);
}

/** Runs a command in the container and resolves with its output (stdout and stderr). */
async function run(container: Docker.Container, cmd: string[]): Promise<string> {
  const exec = await container.exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true, Tty: true });
  const stream = await exec.start({ hijack: true, stdin: false, Tty: true });
  const chunks: Buffer[] = [];
  stream.on("data", (c: Buffer) => chunks.push(c));
  await new Promise((done) => stream.on("end", done));
  return Buffer.concat(chunks).toString("utf8");
}

/** The container's process list (user and command) once every named program runs in it. */
async function waitForProcesses(container: Docker.Container, programs: string[], timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const list = await run(container, ["ps", "-eo", "user:16,args"]);
    if (programs.every((p) => list.includes(p)) || Date.now() > deadline) return list;
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe("the demo RDP container", () => {
  const provider = new DockerProvider(host);

  beforeAll(async () => {
    await requireAssets("docker");
    await docker
      .getImage(IMAGE)
      .inspect()
      .catch(() => {
        throw new Error(`The demo RDP image ${IMAGE} is missing: run bash scripts/setup-services.sh assets`);
      });
    await clean();
  });

  afterAll(clean);

  it("answers an X.224 Connection Request on its published 127.0.0.1 port, and a sign-in starts a desktop (Xorg + Openbox) as the user", async () => {
    await provider.ensureNetwork(NETWORK);
    const created = await provider.create(spec);
    await provider.start(created.ref, spec);
    const published = await provider.publishedPort(names.domain(MACHINE_ID), 3389);
    expect(published?.host).toBe("127.0.0.1");
    const port = published?.port as number;
    // xrdp needs a moment to come up: retry while the connection is refused or closed
    const deadline = Date.now() + 20_000;
    let answer: Buffer | null = null;
    let last: unknown = null;
    while (!answer && Date.now() < deadline) {
      try {
        answer = await x224(port, 5_000);
      } catch (error) {
        last = error;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    expect(answer, String(last)).not.toBeNull();
    const tpkt = answer as Buffer;
    expect(tpkt[0]).toBe(0x03); // TPKT version 3
    expect(tpkt[5]! & 0xf0).toBe(0xd0); // X.224 Connection Confirm

    // Signing in opens a desktop: the session manager starts Xorg (xorgxrdp) and Openbox as the user, under the
    // container's reduced capabilities and no-new-privileges (xrdp-sesrun is what xrdp asks sesman for at login)
    const container = docker.getContainer(names.domain(MACHINE_ID));
    expect(await run(container, ["xrdp-sesrun", "-s", "127.0.0.1", "-p", "student", "student"])).toMatch(
      /ok .*display=:\d+/,
    );
    const desktop = await waitForProcesses(container, ["Xorg", "openbox"], 20_000);
    expect(desktop).toMatch(/^student\s+\S*Xorg/m);
    expect(desktop).toMatch(/^student\s+\S*openbox/m);
  }, 90_000);
});
