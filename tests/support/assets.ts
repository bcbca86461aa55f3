// Test assets and services for the "services" project (tests/services): the real libvirtd and dockerd on this
// machine plus the small guest image and the SSH test image. scripts/setup-services.sh creates all of them.
// Something missing is a failure with the command that fixes it, never a skipped test.
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import Docker from "dockerode";

export const SETUP_COMMAND = "bash scripts/setup-services.sh libvirt docker assets";
export const ASSETS_DIR = process.env.LAB_ASSETS_DIR ?? "/var/lib/lab-portal/assets";
export const LIBVIRT_URI = process.env.TEST_LIBVIRT_URI ?? "qemu:///system";
export const DOCKER_SOCKET = process.env.TEST_DOCKER_SOCKET ?? "/var/run/docker.sock";

/** A tiny bootable qcow2 guest: busybox shell on tty1 and ttyS0, DHCP on eth0, powers off on ACPI. */
export function guestImagePath(): string {
  return join(ASSETS_DIR, "guest.qcow2");
}

/** The libvirt domain type this machine can boot unmodified guests with ("kvm" or "qemu"); default "qemu". */
export function virtType(): "kvm" | "qemu" {
  const file = join(ASSETS_DIR, "virt-type");
  if (!existsSync(file)) return "qemu";
  const value = readFileSync(file, "utf8").trim();
  if (value !== "kvm" && value !== "qemu")
    throw new Error(
      `${file} must contain "kvm" or "qemu", not ${JSON.stringify(value)}. Recreate it: ${SETUP_COMMAND}`,
    );
  return value;
}

/** Debian with sshd as its command, user student/student, /bin/bash. */
export function dockerTestImage(): string {
  return process.env.TEST_DOCKER_IMAGE ?? "labportal/test-ssh:latest";
}

export type ServiceName = "libvirt" | "docker";

function tool(command: string, args: string[], timeoutMs = 20_000): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: timeoutMs, env: { ...process.env, LC_ALL: "C" } }, (error, _stdout, stderr) => {
      resolve(
        error
          ? `${command} ${args.join(" ")}: ${
              String(stderr || error.message)
                .trim()
                .split("\n")[0]
            }`
          : null,
      );
    });
  });
}

/**
 * Checks that the services and assets the given tests need are there (default: all of them) and throws one
 * error listing everything missing, naming the setup command. Call it in beforeAll.
 */
export async function requireAssets(...which: ServiceName[]): Promise<void> {
  const wanted = new Set<ServiceName>(which.length > 0 ? which : ["libvirt", "docker"]);
  const missing: string[] = [];
  if (wanted.has("libvirt")) {
    if (!existsSync(guestImagePath())) missing.push(`guest image ${guestImagePath()}`);
    try {
      virtType();
    } catch (error) {
      missing.push((error as Error).message);
    }
    for (const [command, args] of [
      ["virsh", ["-c", LIBVIRT_URI, "version"]],
      ["qemu-img", ["--version"]],
      ["qemu-io", ["--version"]],
    ] as const) {
      const problem = await tool(command, [...args]);
      if (problem)
        missing.push(command === "virsh" ? `libvirtd at ${LIBVIRT_URI} (${problem})` : `${command} (${problem})`);
    }
  }
  if (wanted.has("docker")) {
    const docker = new Docker({ socketPath: DOCKER_SOCKET, timeout: 10_000 });
    let reachable = false;
    try {
      await docker.ping();
      reachable = true;
    } catch (error) {
      missing.push(`dockerd at unix://${DOCKER_SOCKET} (${(error as Error).message})`);
    }
    if (reachable) {
      try {
        await docker.getImage(dockerTestImage()).inspect();
      } catch {
        missing.push(`Docker image ${dockerTestImage()}`);
      }
    }
  }
  if (missing.length > 0) {
    throw new Error(
      `Service tests cannot run, missing:\n  - ${missing.join("\n  - ")}\nSet them up with: ${SETUP_COMMAND}`,
    );
  }
}
