// Real Docker containers through the portal: template from a local image, create, start, limits and
// loopback-only ports, stop, revert (a new container), delete.
import { type AddressInfo, connect, createServer, type Server, type Socket } from "node:net";
import { beforeAll, describe, expect, it } from "vitest";
import { requireAssets } from "../support/assets";
import type { PortalClient } from "../support/client";
import { containerLab } from "../support/container-lab";
import { createContainerTemplate, docker, waitFor, waitForJob, waitForState } from "../support/machines";
import { signedIn, signedInAdmin } from "../support/users";

describe("Docker machines through the portal", () => {
  let admin: PortalClient;
  let templateId: string;

  beforeAll(async () => {
    ({ admin, templateId } = await containerLab());
  });

  it("refuses a template whose image is on no host", async () => {
    const res = await admin.json<{ error: { code: string; fields: Record<string, string> } }>("/api/templates", {
      method: "POST",
      json: { name: "ghost", kind: "DOCKER", dockerImage: "labportal/does-not-exist:1" },
    });
    expect(res.status).toBe(422);
    expect(res.body.error.fields.dockerImage).toMatch(/not on host/);
    const bad = await admin.json<{ error: { fields: Record<string, string> } }>("/api/templates", {
      method: "POST",
      json: { name: "evil", kind: "DOCKER", dockerImage: "x; rm -rf /" },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error.fields.dockerImage).toBeDefined();
  });

  it("creates, starts, stops, reverts and deletes a container with limits and loopback-only ports", async () => {
    const { client: teacher, user } = await signedIn("TEACHER");
    const created = await teacher.json<{ job: { id: string }; machines: { id: string }[] }>("/api/machines", {
      method: "POST",
      json: { templateId, name: "web lab" },
    });
    expect(created.status).toBe(202);
    const job = await waitForJob(teacher, created.body.job.id);
    expect(job.status).toBe("SUCCEEDED");
    const id = created.body.machines[0]?.id as string;
    const first = JSON.parse(docker("inspect", `lp-${id}`))[0];
    expect(first.Config.Labels["lab-portal.machine"]).toBe(id);
    expect(first.Config.Labels["lab-portal.owner"]).toBe(user.id);
    expect(first.HostConfig.Memory).toBe(128 * 1024 * 1024);
    expect(first.HostConfig.NanoCpus).toBe(1e9);
    expect(first.HostConfig.Privileged).toBe(false);
    expect(first.HostConfig.NetworkMode).not.toBe("host");
    expect(first.HostConfig.PortBindings["22/tcp"][0].HostIp).toBe("127.0.0.1");

    await teacher.json(`/api/machines/${id}/start`, { method: "POST", json: {} });
    await waitForState(teacher, id, "RUNNING");
    expect(JSON.parse(docker("inspect", `lp-${id}`))[0].State.Running).toBe(true);
    const withIp = await waitFor(
      "address",
      () => teacher.json<{ ipAddresses: string[] }>(`/api/machines/${id}`).then((r) => r.body),
      (m) => m.ipAddresses.length > 0,
      20_000,
    );
    expect(withIp.ipAddresses[0]).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    docker("exec", `lp-${id}`, "touch", "/root/student-work");

    await teacher.json(`/api/machines/${id}/stop`, { method: "POST", json: {} });
    await waitForState(teacher, id, "STOPPED");
    await teacher.json(`/api/machines/${id}/revert`, { method: "POST", json: {} });
    await waitForState(teacher, id, "STOPPED");
    const second = JSON.parse(docker("inspect", `lp-${id}`))[0];
    expect(second.Id).not.toBe(first.Id);
    await teacher.json(`/api/machines/${id}/start`, { method: "POST", json: {} });
    await waitForState(teacher, id, "RUNNING");
    expect(() => docker("exec", `lp-${id}`, "test", "-e", "/root/student-work")).toThrow();

    // stopped behind the portal's back (the container's process ended): the portal follows without drift
    docker("stop", "-t", "1", `lp-${id}`);
    const stopped = await waitForState(teacher, id, "STOPPED", 20_000);
    expect(stopped.drift ?? null).toBeNull();

    expect((await teacher.json(`/api/machines/${id}`, { method: "DELETE" })).status).toBe(202);
    await waitFor(
      "delete",
      () => teacher.fetch(`/api/machines/${id}`).then((r) => r.status),
      (s) => s === 404,
    );
    expect(() => docker("inspect", `lp-${id}`)).toThrow();
  }, 120_000);
});

describe("a host that goes down", () => {
  it("is marked offline with the error, its machines become unknown, and both recover when it returns", async () => {
    await requireAssets("docker");
    const admin = await signedInAdmin();
    // the "remote" Docker host: a TCP endpoint on loopback that the test can cut, relaying to the local daemon
    const relays = new Set<Socket>();
    const listen = (port: number) =>
      new Promise<Server>((resolve) => {
        const server = createServer((client) => {
          const upstream = connect("/var/run/docker.sock");
          relays.add(client).add(upstream);
          client.pipe(upstream).pipe(client);
          const end = () => {
            client.destroy();
            upstream.destroy();
          };
          client.on("error", end).on("close", end);
          upstream.on("error", end).on("close", end);
        });
        server.listen(port, "127.0.0.1", () => resolve(server));
      });
    let relay = await listen(0);
    const port = (relay.address() as AddressInfo).port;
    const host = await admin.json<{ id: string }>("/api/admin/hosts", {
      method: "POST",
      json: {
        name: `flaky-${Date.now().toString(36)}`,
        kind: "DOCKER",
        uri: `tcp://127.0.0.1:${port}`,
        vcpus: 4,
        memoryMb: 4096,
        diskGb: 20,
        maxMachines: 5,
      },
    });
    expect(host.status).toBe(201);
    const templateId = await createContainerTemplate(admin);
    const created = await admin.json<{ job: { id: string }; machines: { id: string }[] }>("/api/machines", {
      method: "POST",
      json: { templateId, name: "flaky", hostId: host.body.id },
    });
    expect((await waitForJob(admin, created.body.job.id)).status).toBe("SUCCEEDED");
    const id = created.body.machines[0]?.id as string;
    await admin.json(`/api/machines/${id}/start`, { method: "POST", json: {} });
    await waitForState(admin, id, "RUNNING");

    const closed = new Promise((r) => relay.close(r));
    for (const s of relays) s.destroy();
    await closed;
    const down = await waitFor(
      "host offline",
      () =>
        admin
          .json<{ status: string; lastError: string | null }>(`/api/admin/hosts/${host.body.id}`)
          .then((r) => r.body),
      (h) => h.status === "OFFLINE",
      30_000,
    );
    expect(down.lastError).toMatch(/Cannot connect to Docker|ECONNREFUSED/);
    const unknown = await waitForState(admin, id, "UNKNOWN", 10_000);
    expect(unknown.stateDetail).toMatch(/offline/);
    // acting on a machine of an offline host is refused with the reason
    const refused = await admin.json<{ error: { code: string; message: string } }>(`/api/machines/${id}/stop`, {
      method: "POST",
      json: {},
    });
    expect(refused.status).toBe(502);
    expect(refused.body.error.code).toBe("HOST_UNREACHABLE");
    expect(refused.body.error.message).toMatch(/is offline/);

    relay = await listen(port);
    await waitFor(
      "host online",
      () => admin.json<{ status: string }>(`/api/admin/hosts/${host.body.id}`).then((r) => r.body.status),
      (s) => s === "ONLINE",
      30_000,
    );
    const back = await waitFor(
      "machine state known again",
      () => admin.json<{ state: string }>(`/api/machines/${id}`).then((r) => r.body),
      (m) => m.state === "RUNNING" || m.state === "STOPPED",
      30_000,
    );
    expect(["RUNNING", "STOPPED"]).toContain(back.state);
    await admin.json(`/api/machines/${id}`, { method: "DELETE" });
    await waitFor(
      "delete",
      () => admin.fetch(`/api/machines/${id}`).then((r) => r.status),
      (s) => s === 404,
      30_000,
    );
    expect((await admin.fetch(`/api/admin/hosts/${host.body.id}`, { method: "DELETE" })).status).toBe(204);
    const stopped = new Promise((r) => relay.close(r));
    for (const s of relays) s.destroy();
    await stopped;
  }, 150_000);
});
