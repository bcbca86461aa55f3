// kill -9 in the middle of creating 25 machines: at the next start the job resumes, and afterwards every
// machine row has exactly one domain and one disk on the host; nothing is orphaned and no row is lost.
import { afterAll, describe, expect, it } from "vitest";
import { requireAssets, virtType } from "../support/assets";
import { PortalClient } from "../support/client";
import { removeMachinesOf } from "../support/host-cleanup";
import { createVmTemplate, virsh, waitFor, waitForJob } from "../support/machines";
import { type PortalProcess, startPortal, TEST_ADMIN } from "../support/portal-process";

const POOL = "lab-portal-crash";

async function admin(url: string) {
  const c = new PortalClient(url);
  const error = await c.signIn(TEST_ADMIN.email, TEST_ADMIN.password);
  if (error) throw new Error(`sign-in: ${error}`);
  return c;
}

const ours = (ids: string[]) => (names: string) =>
  names
    .split("\n")
    .map((s) => s.trim())
    .filter((n) => ids.some((id) => n.startsWith(`lp-${id}`)));

describe("a crash in the middle of a deploy", () => {
  const portals: PortalProcess[] = [];
  afterAll(async () => {
    // whatever happened, nothing of this test stays on the host (both portals share the first one's database)
    const first = portals[0];
    if (first) await removeMachinesOf(first.databaseUrl).catch(() => 0);
    for (const p of portals.reverse()) await p.stop().catch(() => null);
  });

  it("is resumed at start with no orphans and no lost rows", async () => {
    await requireAssets("libvirt");
    const authSecret = "crash-test-secret-0123456789abcdef0123456789";
    const first = await startPortal({ env: { JOB_CONCURRENCY: "2", AUTH_SECRET: authSecret } });
    portals.push(first);
    let client = await admin(first.url);
    const host = await client.json<{ id: string }>("/api/admin/hosts", {
      method: "POST",
      json: {
        name: "crash-host",
        kind: "LIBVIRT",
        uri: "qemu:///system",
        virtType: virtType(),
        storagePool: POOL,
        vcpus: 64,
        memoryMb: 65536,
        diskGb: 500,
        maxMachines: 100,
      },
    });
    expect(host.status).toBe(201);
    const templateId = await createVmTemplate(client);
    const created = await client.json<{ job: { id: string }; machines: { id: string }[] }>("/api/machines", {
      method: "POST",
      json: { templateId, name: "crash", count: 25 },
    });
    expect(created.status).toBe(202);
    const ids = created.body.machines.map((m) => m.id);
    const atCrash = await waitFor(
      "a few machines",
      () => client.json<{ done: number }>(`/api/jobs/${created.body.job.id}`).then((r) => r.body.done),
      (d) => d >= 3,
      60_000,
    );
    first.child.kill("SIGKILL");
    await new Promise((r) => first.child.once("exit", r));
    expect(atCrash).toBeLessThan(25);

    const second = await startPortal({ reuse: { databaseUrl: first.databaseUrl, dataDir: first.dataDir, authSecret } });
    portals.push(second);
    client = await admin(second.url);
    const job = await waitForJob(client, created.body.job.id, 180_000);
    expect(second.output()).toMatch(/resuming job/);
    expect(job.status).toBe("SUCCEEDED");
    expect(job.done).toBe(25);
    const list = await client.json<{ items: { id: string; state: string }[]; total: number }>(
      "/api/machines?scope=all&pageSize=200",
    );
    const rows = list.body.items.filter((m) => ids.includes(m.id));
    expect(rows).toHaveLength(25);
    expect(rows.every((m) => m.state === "STOPPED")).toBe(true);

    const domains = ours(ids)(virsh("list", "--all", "--name"));
    expect(domains.sort()).toEqual(ids.map((id) => `lp-${id}`).sort());
    const volumes = ours(ids)(
      virsh("vol-list", "--pool", POOL)
        .split("\n")
        .map((l) => l.trim().split(/\s+/)[0] ?? "")
        .join("\n"),
    );
    expect(volumes.sort()).toEqual(ids.map((id) => `lp-${id}.qcow2`).sort());

    for (const id of ids) await client.json(`/api/machines/${id}`, { method: "DELETE" });
    await waitFor(
      "all deleted",
      () =>
        client
          .json<{ total: number; items: { id: string }[] }>("/api/machines?scope=all&pageSize=200")
          .then((r) => r.body.items.filter((m) => ids.includes(m.id)).length),
      (n) => n === 0,
      120_000,
    );
    expect(ours(ids)(virsh("list", "--all", "--name"))).toEqual([]);
  }, 400_000);
});
