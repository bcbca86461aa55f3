// Real KVM/QEMU machines through the portal: host registration, template upload, deploy job, start (display
// ports answer VNC), graceful stop, revert, delete, drift and placement errors.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { requireAssets } from "../support/assets";
import type { PortalClient } from "../support/client";
import {
  createVmTemplate,
  ensureHosts,
  machine,
  virsh,
  virshOk,
  waitFor,
  waitForJob,
  waitForState,
} from "../support/machines";
import { signedIn, signedInAdmin } from "../support/users";

function readBanner(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    socket.setTimeout(5000, () => reject(new Error("no banner")));
    socket.once("data", (d) => {
      resolve(d.toString("latin1"));
      socket.destroy();
    });
    socket.once("error", reject);
  });
}

describe("libvirt machines through the portal", () => {
  let admin: PortalClient;
  let templateId: string;
  let hostId: string;

  beforeAll(async () => {
    await requireAssets("libvirt");
    admin = await signedInAdmin();
    hostId = (await ensureHosts(admin)).libvirt;
    templateId = await createVmTemplate(admin);
  });

  it("refuses an unreachable host with the reason and saves nothing", async () => {
    const res = await admin.json<{ error: { code: string; message: string; fields?: Record<string, string> } }>(
      "/api/admin/hosts",
      {
        method: "POST",
        json: {
          name: "nowhere",
          kind: "LIBVIRT",
          uri: "qemu+tcp://127.0.0.1:1/system",
          vcpus: 2,
          memoryMb: 2048,
          diskGb: 10,
          maxMachines: 5,
        },
      },
    );
    expect(res.status).toBe(502);
    expect(res.body.error.code).toBe("HOST_UNREACHABLE");
    expect(res.body.error.fields?.uri).toMatch(/127\.0\.0\.1/);
    const list = await admin.json<{ items: { name: string }[] }>("/api/admin/hosts");
    expect(list.body.items.map((h) => h.name)).not.toContain("nowhere");
  });

  it("rejects a truncated image and a file that is not a disk image, keeping the template usable", async () => {
    const draft = await admin.json<{ id: string }>("/api/templates", {
      method: "POST",
      json: { name: "bad-images", kind: "LIBVIRT" },
    });
    const whole = readFileSync(join("/var/lib/lab-portal/assets", "guest.qcow2"));
    const truncated = await admin.fetch(`/api/templates/${draft.body.id}/image`, {
      method: "PUT",
      headers: { "content-type": "application/octet-stream", "x-file-name": "../../etc/passwd.qcow2" },
      body: whole.subarray(0, Math.floor(whole.length / 2)),
    });
    expect(truncated.status).toBe(422);
    expect(((await truncated.json()) as { error: { message: string } }).error.message).toMatch(
      /damaged or truncated|not a disk image/i,
    );
    const junk = await admin.fetch(`/api/templates/${draft.body.id}/image`, {
      method: "PUT",
      headers: { "content-type": "application/octet-stream", "x-file-name": "notes.txt" },
      body: Buffer.from("hello, this is not a disk\n".repeat(100)),
    });
    expect(junk.status).toBe(422);
    const t = await admin.json<{ status: string; statusDetail: string }>(`/api/templates/${draft.body.id}`);
    expect(t.body.status).toBe("DRAFT");
    expect(t.body.statusDetail).toMatch(/Last upload failed/);
    expect(await admin.fetch(`/api/templates/${draft.body.id}`, { method: "DELETE" }).then((r) => r.status)).toBe(204);
  });

  it("says which limit blocks placement", async () => {
    const big = await admin.json<{ id: string }>("/api/templates", {
      method: "POST",
      json: { name: "too-big", kind: "LIBVIRT", vcpus: 64 },
    });
    // a draft template is not deployable: the error says so
    const draft = await admin.json<{ error: { code: string } }>("/api/machines", {
      method: "POST",
      json: { templateId: big.body.id, name: "x" },
    });
    expect(draft.status).toBe(422);
    const res = await admin.json<{ error: { code: string; message: string } }>("/api/machines", {
      method: "POST",
      json: { templateId, name: "many", count: 100, hostId },
    });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("NO_CAPACITY");
    expect(res.body.error.message).toMatch(/maximum of 40 machines|RAM free|vCPU free/);
    await admin.fetch(`/api/templates/${big.body.id}`, { method: "DELETE" });
  });

  it("creates overlay machines, starts one (VNC answers), stops it gracefully, reverts and deletes", async () => {
    const created = await admin.json<{ job: { id: string }; machines: { id: string; state: string }[] }>(
      "/api/machines",
      {
        method: "POST",
        json: { templateId, name: "lab vm", count: 2 },
      },
    );
    expect(created.status).toBe(202);
    expect(created.body.machines.map((m) => m.state)).toEqual(["PROVISIONING", "PROVISIONING"]);
    const job = await waitForJob(admin, created.body.job.id);
    expect(job.status).toBe("SUCCEEDED");
    const [a, b] = created.body.machines.map((m) => m.id) as [string, string];
    expect((await machine(admin, a)).state).toBe("STOPPED");
    // an overlay on the template's base volume, a few hundred KB
    const path = virsh("vol-path", "--pool", "lab-portal-it", `lp-${a}.qcow2`).trim();
    const info = JSON.parse(execFileSync("qemu-img", ["info", "--output=json", "-U", path], { encoding: "utf8" }));
    expect(info["backing-filename"]).toMatch(/lp-tpl-/);
    expect(info["actual-size"]).toBeLessThan(2 * 1024 * 1024);

    expect((await admin.json(`/api/machines/${a}/start`, { method: "POST", json: {} })).status).toBe(202);
    const running = await waitForState(admin, a, "RUNNING");
    const display = running.display as { host: string; vncPort: number; spicePort: number };
    expect(display.host).toBe("127.0.0.1");
    expect(await readBanner(display.vncPort)).toMatch(/^RFB 003\.00\d/);
    // the VNC listener is on loopback only and has a per-start password
    const xml = virsh("dumpxml", "--security-info", `lp-${a}`);
    expect(xml).toMatch(/<graphics type='vnc' port='\d+' autoport='yes' listen='127\.0\.0\.1' passwd='[A-Za-z0-9]{8}'/);
    // a second action while it is busy is refused with the reason
    const stop = await admin.json(`/api/machines/${a}/stop`, { method: "POST", json: {} });
    expect(stop.status).toBe(202);
    const again = await admin.json<{ error: { code: string; message: string } }>(`/api/machines/${a}/start`, {
      method: "POST",
      json: {},
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("INVALID_STATE");
    const stopped = await waitForState(admin, a, "STOPPED", 60_000);
    expect(stopped.display).toBeNull();

    // revert: data written into the overlay is gone afterwards
    execFileSync("qemu-io", ["-f", "qcow2", "-c", "write -P 0xab 1M 64k", path], { stdio: "ignore" });
    expect(() =>
      execFileSync("qemu-io", ["-f", "qcow2", "-c", "read -P 0xab 1M 64k", path], { stdio: "pipe" }),
    ).not.toThrow();
    expect((await admin.json(`/api/machines/${a}/revert`, { method: "POST", json: {} })).status).toBe(202);
    const reverted = await waitForState(admin, a, "STOPPED");
    expect(reverted.stateDetail).toMatch(/Reverted/);
    const readBack = spawnSync("qemu-io", ["-f", "qcow2", "-c", "read -P 0xab 1M 64k", path], { encoding: "utf8" });
    expect(`${readBack.stdout}${readBack.stderr}`).toMatch(/Pattern verification failed/);

    for (const id of [a, b]) expect((await admin.json(`/api/machines/${id}`, { method: "DELETE" })).status).toBe(202);
    for (const id of [a, b])
      await waitFor(
        `delete ${id}`,
        () => admin.fetch(`/api/machines/${id}`).then((r) => r.status),
        (s) => s === 404,
      );
    expect(virshOk("dominfo", `lp-${a}`)).toBe(false);
    expect(virsh("vol-list", "--pool", "lab-portal-it")).not.toContain(`lp-${a}.qcow2`);
  }, 180_000);

  it("shows a machine removed behind the portal's back as drift, and revert re-creates it", async () => {
    const created = await admin.json<{ job: { id: string }; machines: { id: string }[] }>("/api/machines", {
      method: "POST",
      json: { templateId, name: "drifter" },
    });
    await waitForJob(admin, created.body.job.id);
    const id = created.body.machines[0]?.id as string;
    virsh("undefine", `lp-${id}`);
    const drifted = await waitFor(
      "drift",
      () => machine(admin, id),
      (m) => m.drift !== null,
      30_000,
    );
    expect(drifted.state).toBe("UNKNOWN");
    expect(String(drifted.drift)).toMatch(/outside the portal/);
    await admin.json(`/api/machines/${id}/revert`, { method: "POST", json: {} });
    const back = await waitForState(admin, id, "STOPPED");
    expect(back.drift).toBeNull();
    expect(virshOk("dominfo", `lp-${id}`)).toBe(true);
    // started outside the portal: the portal follows and says so
    virsh("start", `lp-${id}`);
    const started = await waitForState(admin, id, "RUNNING", 30_000);
    expect(String(started.drift)).toMatch(/Started .* outside the portal/);
    await admin.json(`/api/machines/${id}/stop`, { method: "POST", json: { force: true } });
    await waitForState(admin, id, "STOPPED");
    await admin.json(`/api/machines/${id}`, { method: "DELETE" });
    await waitFor(
      "delete",
      () => admin.fetch(`/api/machines/${id}`).then((r) => r.status),
      (s) => s === 404,
    );
  }, 180_000);

  it("keeps machines private: a student cannot see, act on or create them", async () => {
    const created = await admin.json<{ job: { id: string }; machines: { id: string }[] }>("/api/machines", {
      method: "POST",
      json: { templateId, name: "private" },
    });
    await waitForJob(admin, created.body.job.id);
    const id = created.body.machines[0]?.id as string;
    const { client: student } = await signedIn("STUDENT");
    expect((await student.json(`/api/machines/${id}`)).status).toBe(404);
    expect((await student.json(`/api/machines/${id}/start`, { method: "POST", json: {} })).status).toBe(404);
    expect((await student.json("/api/machines", { method: "POST", json: { templateId, name: "mine" } })).status).toBe(
      403,
    );
    expect((await student.json("/api/machines?scope=all")).status).toBe(403);
    const bad = await admin.json<{ error: { code: string } }>(`/api/machines/${id}/explode`, {
      method: "POST",
      json: {},
    });
    expect(bad.status).toBe(422);
    await admin.json(`/api/machines/${id}`, { method: "DELETE" });
    await waitFor(
      "delete",
      () => admin.fetch(`/api/machines/${id}`).then((r) => r.status),
      (s) => s === 404,
    );
  });
});

describe("a template installed from an ISO", () => {
  it("uploads the ISO, runs an installation machine, and converts its disk into the template's image", async () => {
    await requireAssets("libvirt");
    const admin = await signedInAdmin();
    await ensureHosts(admin);
    const dir = mkdtempSync(join(tmpdir(), "lp-iso-"));
    try {
      writeFileSync(join(dir, "README.TXT"), "installer\n");
      execFileSync("xorriso", [
        "-as",
        "mkisofs",
        "-quiet",
        "-V",
        "LABINSTALL",
        "-o",
        join(dir, "installer.iso"),
        join(dir, "README.TXT"),
      ]);
      const draft = await admin.json<{ id: string }>("/api/templates", {
        method: "POST",
        json: { name: "from-iso", kind: "LIBVIRT", memoryMb: 64, diskGb: 1 },
      });
      const notIso = await admin.fetch(`/api/templates/${draft.body.id}/iso`, {
        method: "PUT",
        headers: { "content-type": "application/octet-stream", "x-file-name": "x.iso" },
        body: Buffer.alloc(40_000, 1),
      });
      expect(notIso.status).toBe(422);
      const iso = await admin.fetch(`/api/templates/${draft.body.id}/iso`, {
        method: "PUT",
        headers: { "content-type": "application/octet-stream", "x-file-name": "installer.iso" },
        body: readFileSync(join(dir, "installer.iso")),
      });
      expect(iso.status).toBe(200);
      const installing = await admin.json<{ status: string; installMachineId: string }>(
        `/api/templates/${draft.body.id}/install`,
        { method: "POST" },
      );
      expect(installing.status).toBe(202);
      expect(installing.body.status).toBe("INSTALLING");
      const machineId = installing.body.installMachineId;
      await waitForState(admin, machineId, "RUNNING");
      expect(virsh("dumpxml", `lp-${machineId}`)).toMatch(/device='cdrom'[\s\S]*lp-iso-/);
      // converting a running machine is refused with the reason
      const early = await admin.json<{ error: { code: string; message: string } }>(
        `/api/templates/${draft.body.id}/convert`,
        { method: "POST" },
      );
      expect(early.status).toBe(409);
      expect(early.body.error.message).toMatch(/Shut the installation machine down/);
      await admin.json(`/api/machines/${machineId}/stop`, { method: "POST", json: { force: true } });
      await waitForState(admin, machineId, "STOPPED");
      // "install" something: a pattern on the machine's disk, which must end up in the template's image
      const disk = virsh("vol-path", "--pool", "lab-portal-it", `lp-${machineId}.qcow2`).trim();
      execFileSync("qemu-io", ["-f", "qcow2", "-c", "write -P 0x5a 2M 64k", disk], { stdio: "ignore" });
      const converted = await admin.json<{
        status: string;
        installMachineId: string | null;
        isoUploaded: boolean;
        imageFormat: string;
      }>(`/api/templates/${draft.body.id}/convert`, { method: "POST" });
      expect(converted.status).toBe(200);
      expect(converted.body).toMatchObject({
        status: "READY",
        installMachineId: null,
        isoUploaded: false,
        imageFormat: "qcow2",
      });
      expect((await admin.fetch(`/api/machines/${machineId}`)).status).toBe(404);
      expect(virshOk("dominfo", `lp-${machineId}`)).toBe(false);
      expect(virsh("vol-list", "--pool", "lab-portal-it")).not.toContain(`lp-iso-${draft.body.id}`);
      // a machine made from the new template sees the installed data
      const created = await admin.json<{ job: { id: string }; machines: { id: string }[] }>("/api/machines", {
        method: "POST",
        json: { templateId: draft.body.id, name: "installed" },
      });
      expect((await waitForJob(admin, created.body.job.id)).status).toBe("SUCCEEDED");
      const id = created.body.machines[0]?.id as string;
      const overlay = virsh("vol-path", "--pool", "lab-portal-it", `lp-${id}.qcow2`).trim();
      const read = spawnSync("qemu-io", ["-f", "qcow2", "-c", "read -P 0x5a 2M 64k", overlay], { encoding: "utf8" });
      expect(read.stdout).not.toMatch(/Pattern verification failed/);
      expect(read.status).toBe(0);
      await admin.json(`/api/machines/${id}`, { method: "DELETE" });
      await waitFor(
        "delete",
        () => admin.fetch(`/api/machines/${id}`).then((r) => r.status),
        (s) => s === 404,
      );
      expect((await admin.fetch(`/api/templates/${draft.body.id}`, { method: "DELETE" })).status).toBe(204);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
