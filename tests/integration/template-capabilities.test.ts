// Linux capabilities of lab containers through the portal (#14 item 6): a container drops ALL and gets the minimal
// default set; a Docker template may add extras from the allow-list (NET_RAW for ping, …), nothing else; the
// class-network firewall table is applied by the portal at start.
import { execFileSync } from "node:child_process";
import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_CAPABILITIES } from "../../src/lib/docker-capabilities";
import { dockerTestImage, requireAssets } from "../support/assets";
import type { PortalClient } from "../support/client";
import { docker, ensureHosts, waitForJob } from "../support/machines";
import { signedInAdmin } from "../support/users";

type Row = { id: string; dockerCapabilities: string[] };
type Fail = { error: { code: string; message: string; fields?: Record<string, string> } };

describe("Docker template capabilities", () => {
  let admin: PortalClient;
  const base = {
    kind: "DOCKER",
    dockerImage: dockerTestImage(),
    vcpus: 1,
    memoryMb: 128,
    diskGb: 1,
    consoleKinds: ["exec"],
    shell: "/bin/bash",
  };

  beforeAll(async () => {
    await requireAssets("docker");
    admin = await signedInAdmin();
    await ensureHosts(admin);
  });

  it("the portal applied the class-network isolation table at start", () => {
    expect(execFileSync("nft", ["list", "table", "inet", "lab_portal_isolation"], { encoding: "utf8" })).toMatch(
      /lab machines do not reach the host/,
    );
  });

  it("refuses a capability outside the allow-list with a sentence naming the allowed ones", async () => {
    const res = await admin.json<Fail>("/api/templates", {
      method: "POST",
      json: { ...base, name: `caps-bad-${Date.now().toString(36)}`, dockerCapabilities: ["SYS_ADMIN"] },
    });
    expect(res.status).toBe(422);
    expect(Object.entries(res.body.error.fields ?? {}).find(([k]) => k.startsWith("dockerCapabilities"))?.[1]).toMatch(
      /NET_RAW/,
    );
  });

  it("a template's extras reach the container on top of the minimal set; a VM template has none", async () => {
    const created = await admin.json<Row>("/api/templates", {
      method: "POST",
      json: { ...base, name: `caps-${Date.now().toString(36)}`, dockerCapabilities: ["NET_RAW"] },
    });
    expect(created.status).toBe(201);
    expect(created.body.dockerCapabilities).toEqual(["NET_RAW"]);
    const edited = await admin.json<Row>(`/api/templates/${created.body.id}`, {
      method: "PATCH",
      json: { dockerCapabilities: ["SYS_PTRACE", "NET_RAW"] },
    });
    expect(edited.status).toBe(200);
    expect(edited.body.dockerCapabilities).toEqual(["NET_RAW", "SYS_PTRACE"]);

    const machine = await admin.json<{ job: { id: string }; machines: { id: string }[] }>("/api/machines", {
      method: "POST",
      json: { templateId: created.body.id, name: "caps lab" },
    });
    expect(machine.status).toBe(202);
    expect((await waitForJob(admin, machine.body.job.id)).status).toBe("SUCCEEDED");
    const id = machine.body.machines[0]?.id as string;
    const info = JSON.parse(docker("inspect", `lp-${id}`))[0];
    expect(info.HostConfig.CapDrop).toEqual(["ALL"]);
    expect([...info.HostConfig.CapAdd].sort()).toEqual([...DEFAULT_CAPABILITIES, "NET_RAW", "SYS_PTRACE"].sort());
    expect((await admin.json(`/api/machines/${id}`, { method: "DELETE" })).status).toBe(202);

    const vm = await admin.json<Row>("/api/templates", {
      method: "POST",
      json: { name: `caps-vm-${Date.now().toString(36)}`, kind: "LIBVIRT" },
    });
    expect(vm.status).toBe(201);
    expect(vm.body.dockerCapabilities).toEqual([]);
    const refused = await admin.json<Fail>(`/api/templates/${vm.body.id}`, {
      method: "PATCH",
      json: { dockerCapabilities: ["NET_RAW"] },
    });
    expect(refused.status).toBe(422);
    expect(refused.body.error.fields?.dockerCapabilities).toMatch(/Only Docker templates/);
  }, 120_000);
});
