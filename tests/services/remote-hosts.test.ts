// Remote endpoints for real: libvirt over qemu+ssh:// and Docker over ssh://, through a dedicated sshd the test
// starts on 127.0.0.1 with its own host key and authorized_keys (the machine's own SSH setup is not touched).
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DockerProvider } from "@/server/providers/docker/provider";
import { REMOTE_WARNING } from "@/server/providers/isolation";
import { LibvirtProvider } from "@/server/providers/libvirt/provider";
import type { HostTarget } from "@/server/providers/types";
import { dockerTestImage, guestImagePath, requireAssets, virtType } from "../support/assets";

const PORT = 2299;
let dir: string;
let sshd: ChildProcess;

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, "127.0.0.1");
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
  });
}

const target = (kind: "LIBVIRT" | "DOCKER", uri: string): HostTarget => ({
  id: `remote-${kind}`,
  name: `remote-${kind.toLowerCase()}`,
  kind,
  uri,
  virtType: virtType(),
  storagePool: "lab-portal-remote",
  consoleAddress: "127.0.0.1",
  publishAddress: "127.0.0.1",
  tlsDir: null,
});

beforeAll(async () => {
  await requireAssets("libvirt", "docker");
  dir = mkdtempSync(join(tmpdir(), "lp-sshd-"));
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", join(dir, "host_key")]);
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", join(dir, "id")]);
  execFileSync("cp", [join(dir, "id.pub"), join(dir, "authorized_keys")]);
  execFileSync("chmod", ["600", join(dir, "authorized_keys")]);
  writeFileSync(
    join(dir, "sshd_config"),
    [
      `Port ${PORT}`,
      "ListenAddress 127.0.0.1",
      `HostKey ${join(dir, "host_key")}`,
      `AuthorizedKeysFile ${join(dir, "authorized_keys")}`,
      "PasswordAuthentication no",
      "PermitRootLogin prohibit-password",
      "StrictModes no",
      `PidFile ${join(dir, "sshd.pid")}`,
      "UsePAM no",
    ].join("\n"),
  );
  execFileSync("mkdir", ["-p", "/run/sshd"]);
  sshd = spawn("/usr/sbin/sshd", ["-D", "-e", "-f", join(dir, "sshd_config")], { stdio: "ignore" });
  for (let i = 0; i < 50 && !(await portOpen(PORT)); i++) await new Promise((r) => setTimeout(r, 100));
  expect(await portOpen(PORT)).toBe(true);
});

afterAll(() => {
  sshd?.kill();
  try {
    execFileSync("virsh", ["-c", "qemu:///system", "pool-destroy", "lab-portal-remote"], { stdio: "ignore" });
  } catch {}
  try {
    execFileSync("virsh", ["-c", "qemu:///system", "pool-undefine", "lab-portal-remote"], { stdio: "ignore" });
  } catch {}
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("remote hosts over SSH", () => {
  it("runs a libvirt machine through qemu+ssh://", async () => {
    const uri = `qemu+ssh://root@127.0.0.1:${PORT}/system?keyfile=${join(dir, "id")}&no_verify=1`;
    const p = new LibvirtProvider(target("LIBVIRT", uri));
    const probe = await p.probe();
    expect(probe.vcpus).toBeGreaterThan(0);
    const id = `rmt${Date.now().toString(36)}`;
    const { volume } = await p.prepareTemplate({ id: `rmt-tpl-${id}`, imagePath: guestImagePath() });
    const spec = {
      machineId: id,
      name: "remote vm",
      vcpus: 1,
      memoryMb: 64,
      diskGb: 1,
      template: {
        id: "rmt",
        kind: "LIBVIRT" as const,
        volume,
        shell: "/bin/sh",
        consoleKinds: ["vnc"],
        sshPort: 22,
        rdpPort: 3389,
        osType: "LINUX",
        keepDataDisk: false,
      },
    };
    try {
      const created = await p.create(spec);
      const started = await p.start(created.ref, spec);
      expect(started.display?.vncPort).toBeGreaterThan(5899);
      expect(await p.state(created.ref)).toBe("running");
      await p.stop(created.ref, { force: true });
      expect(await p.state(created.ref)).toBe("stopped");
    } finally {
      await p.delete(`lp-${id}`, spec);
      await p.removeTemplate(volume);
    }
    expect(await p.state(`lp-${id}`)).toBe("missing");
  });

  it("reports a wrong key as unreachable", async () => {
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", join(dir, "other")]);
    const p = new LibvirtProvider(
      target("LIBVIRT", `qemu+ssh://root@127.0.0.1:${PORT}/system?keyfile=${join(dir, "other")}&no_verify=1&no_tty=1`),
    );
    await expect(p.probe()).rejects.toMatchObject({ reason: "UNREACHABLE" });
  });

  it("runs a container through Docker over ssh:// with a pinned host key, and refuses another key", async () => {
    const fingerprint = execFileSync("ssh-keygen", ["-lf", join(dir, "host_key.pub")], { encoding: "utf8" }).split(
      " ",
    )[1] as string;
    expect(fingerprint).toMatch(/^SHA256:/);
    const unpinned = await new DockerProvider(
      target("DOCKER", `ssh://root@127.0.0.1:${PORT}?keyfile=${join(dir, "id")}`),
    ).probe();
    expect(unpinned.warnings.join(" ")).toMatch(/not pinned/);
    const wrong = new DockerProvider(
      target("DOCKER", `ssh://root@127.0.0.1:${PORT}?keyfile=${join(dir, "id")}&fingerprint=SHA256:${"A".repeat(43)}`),
    );
    await expect(wrong.probe()).rejects.toMatchObject({
      reason: "UNREACHABLE",
      message: expect.stringMatching(/does not match the pinned fingerprint/),
    });
    const p = new DockerProvider(
      target(
        "DOCKER",
        `ssh://root@127.0.0.1:${PORT}?keyfile=${join(dir, "id")}&fingerprint=${encodeURIComponent(fingerprint)}`,
      ),
    );
    const probe = await p.probe();
    expect(probe.version).toMatch(/Docker/);
    // a remote host's only warning: the class-network isolation rules cannot be applied there from the portal
    expect(probe.warnings).toEqual([REMOTE_WARNING]);
    const id = `rmt${Date.now().toString(36)}`;
    const spec = {
      machineId: id,
      name: "remote ct",
      vcpus: 1,
      memoryMb: 64,
      diskGb: 1,
      template: {
        id: "rmt",
        kind: "DOCKER" as const,
        dockerImage: dockerTestImage(),
        shell: "/bin/sh",
        consoleKinds: ["exec"],
        sshPort: 22,
        rdpPort: 3389,
        osType: "LINUX",
        keepDataDisk: false,
      },
    };
    try {
      const created = await p.create(spec);
      await p.start(created.ref, spec);
      expect(await p.state(created.ref)).toBe("running");
    } finally {
      await p.delete(`lp-${id}`, spec);
    }
    expect(await p.state(`lp-${id}`)).toBe("missing");
  });
});
