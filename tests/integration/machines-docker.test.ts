// Real Docker containers through the portal: template from a local image, create, start, limits and
// loopback-only ports, stop, revert (a new container), delete.
import { beforeAll, describe, expect, it } from "vitest";
import { requireAssets } from "../support/assets";
import type { PortalClient } from "../support/client";
import { createContainerTemplate, docker, ensureHosts, waitFor, waitForJob, waitForState } from "../support/machines";
import { signedIn, signedInAdmin } from "../support/users";

describe("Docker machines through the portal", () => {
  let admin: PortalClient;
  let templateId: string;

  beforeAll(async () => {
    await requireAssets("docker");
    admin = await signedInAdmin();
    await ensureHosts(admin);
    templateId = await createContainerTemplate(admin);
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
    const created = await teacher.json<{ job: { id: string }; machines: { id: string }[] }>("/api/machines", { method: "POST", json: { templateId, name: "web lab" } });
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
    const withIp = await waitFor("address", () => teacher.json<{ ipAddresses: string[] }>(`/api/machines/${id}`).then((r) => r.body), (m) => m.ipAddresses.length > 0, 20_000);
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
    await waitFor("delete", () => teacher.fetch(`/api/machines/${id}`).then((r) => r.status), (s) => s === 404);
    expect(() => docker("inspect", `lp-${id}`)).toThrow();
  }, 120_000);
});
