// Helpers for integration tests that drive real hosts through the portal's API.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dockerTestImage, guestImagePath, virtType } from "./assets";
import type { PortalClient } from "./client";

type Row = { id: string; state: string; stateDetail: string | null; [k: string]: unknown };

export async function waitFor<T>(
  what: string,
  fn: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await fn();
    if (done(last)) return last;
    if (Date.now() > deadline)
      throw new Error(`Timed out waiting for ${what}; last value: ${JSON.stringify(last)?.slice(0, 800)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export async function machine(client: PortalClient, id: string) {
  return (await client.json<Row>(`/api/machines/${id}`)).body;
}

export function waitForState(client: PortalClient, id: string, state: string, timeoutMs = 60_000) {
  return waitFor(
    `machine ${id} to be ${state}`,
    () => machine(client, id),
    (m) => m.state === state,
    timeoutMs,
  );
}

export function waitForJob(client: PortalClient, id: string, timeoutMs = 120_000) {
  return waitFor(
    `job ${id}`,
    async () =>
      (
        await client.json<{
          status: string;
          done: number;
          failed: number;
          items: { label: string; machineId: string | null; status: string; error: string | null }[];
        }>(`/api/jobs/${id}`)
      ).body,
    (j) => !["PENDING", "RUNNING"].includes(j.status),
    timeoutMs,
  );
}

/** Registers (once per database) the local libvirt and Docker hosts; returns their ids. */
export async function ensureHosts(admin: PortalClient, pool = "lab-portal-it") {
  const list = (await admin.json<{ items: { id: string; name: string }[] }>("/api/admin/hosts")).body.items;
  const find = (name: string) => list.find((h) => h.name === name)?.id;
  const libvirt =
    find("it-libvirt") ??
    (
      await admin.json<{ id: string }>("/api/admin/hosts", {
        method: "POST",
        json: {
          name: "it-libvirt",
          kind: "LIBVIRT",
          uri: "qemu:///system",
          virtType: virtType(),
          storagePool: pool,
          vcpus: 64,
          memoryMb: 32768,
          diskGb: 400,
          maxMachines: 150,
        },
      })
    ).body.id;
  const docker =
    find("it-docker") ??
    (
      await admin.json<{ id: string }>("/api/admin/hosts", {
        method: "POST",
        json: {
          name: "it-docker",
          kind: "DOCKER",
          uri: "unix:///var/run/docker.sock",
          vcpus: 64,
          memoryMb: 32768,
          diskGb: 400,
          maxMachines: 150,
        },
      })
    ).body.id;
  if (!libvirt || !docker) throw new Error("could not register the test hosts");
  return { libvirt, docker };
}

export async function createVmTemplate(client: PortalClient, name = `vm-${Date.now().toString(36)}`) {
  const created = await client.json<{ id: string }>("/api/templates", {
    method: "POST",
    json: { name, kind: "LIBVIRT", vcpus: 1, memoryMb: 128, diskGb: 1, consoleKinds: ["vnc", "spice"] },
  });
  if (created.status !== 201) throw new Error(`template create: ${created.status} ${JSON.stringify(created.body)}`);
  const image = readFileSync(guestImagePath());
  const res = await client.fetch(`/api/templates/${created.body.id}/image`, {
    method: "PUT",
    headers: { "content-type": "application/octet-stream", "x-file-name": "guest.qcow2" },
    body: image,
  });
  if (res.status !== 200) throw new Error(`upload: ${res.status} ${await res.text()}`);
  return created.body.id;
}

export async function createContainerTemplate(client: PortalClient, name = `ct-${Date.now().toString(36)}`) {
  const created = await client.json<{ id: string }>("/api/templates", {
    method: "POST",
    json: {
      name,
      kind: "DOCKER",
      dockerImage: dockerTestImage(),
      vcpus: 1,
      memoryMb: 128,
      diskGb: 1,
      consoleKinds: ["exec", "ssh"],
      sshUser: "student",
      shell: "/bin/bash",
    },
  });
  if (created.status !== 201) throw new Error(`template create: ${created.status} ${JSON.stringify(created.body)}`);
  return created.body.id;
}

export function virsh(...args: string[]): string {
  return execFileSync("virsh", ["-q", "-c", "qemu:///system", ...args], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
}

export function virshOk(...args: string[]): boolean {
  try {
    virsh(...args);
    return true;
  } catch {
    return false;
  }
}

export function docker(...args: string[]): string {
  return execFileSync("docker", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}
