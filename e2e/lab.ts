// What the machine-related e2e specs share: the test assets, API helpers and the clean-up that removes a run's
// machines, templates and hosts (by the run suffix in their names) so nothing leaks onto the real hosts.
import { readFileSync } from "node:fs";
import { type APIResponse, expect, type Page } from "@playwright/test";

export const ASSETS_DIR = process.env.LAB_ASSETS_DIR ?? "/var/lib/lab-portal/assets";
export const GUEST_IMAGE = `${ASSETS_DIR}/guest.qcow2`;
export const VIRT_TYPE = readFileSync(`${ASSETS_DIR}/virt-type`, "utf8").trim() === "kvm" ? "kvm" : "qemu";
export const DOCKER_IMAGE = "labportal/test-ssh:latest";

export type Listed = { id: string; name: string; state?: string };
export type Machine = { id: string; name: string; state: string; stateDetail: string | null };

export async function ok<T>(res: APIResponse, what: string): Promise<T> {
  const text = await res.text();
  expect(res.ok(), `${what}: HTTP ${res.status()} ${text}`).toBe(true);
  return (text ? JSON.parse(text) : null) as T;
}

export async function items(page: Page, url: string): Promise<Listed[]> {
  const res = await page.request.get(url);
  if (!res.ok()) return [];
  return ((await res.json()) as { items: Listed[] }).items;
}

/** Deletes this run's machines (waiting until each is gone: deletes are jobs), then its templates and hosts. */
export async function cleanUp(page: Page, run: string) {
  const ours = (x: Listed) => x.name.endsWith(`-${run}`);
  const machines = (await items(page, `/api/machines?scope=all&pageSize=200&q=${run}`)).filter(ours);
  const deadline = Date.now() + 90_000;
  for (const m of machines) {
    while (Date.now() < deadline) {
      const res = await page.request.get(`/api/machines/${m.id}`);
      if (res.status() === 404) break;
      const state = res.ok() ? ((await res.json()) as Listed).state : undefined;
      // A settled machine is deleted as it is; one the portal is still working on has to settle first.
      if (state === "RUNNING" || state === "STOPPED" || state === "FAILED" || state === "UNKNOWN")
        await page.request.delete(`/api/machines/${m.id}`);
      await page.waitForTimeout(1000);
    }
  }
  for (const t of (await items(page, "/api/templates")).filter(ours))
    await page.request.delete(`/api/templates/${t.id}`);
  for (const h of (await items(page, "/api/admin/hosts")).filter(ours))
    await page.request.delete(`/api/admin/hosts/${h.id}`);
  // anything left over would leak onto the real hosts: say so
  const left = [
    ...(await items(page, `/api/machines?scope=all&pageSize=200&q=${run}`)),
    ...(await items(page, "/api/templates")),
    ...(await items(page, "/api/admin/hosts")),
  ].filter(ours);
  expect(
    left.map((x) => x.name),
    "left over after the clean-up",
  ).toEqual([]);
}

export async function getMachine(page: Page, id: string): Promise<Machine> {
  return ok<Machine>(await page.request.get(`/api/machines/${id}`), "GET machine");
}

/** Polls the machine until it is in `state` (a FAILED machine fails at once, with the portal's reason). */
export async function waitForState(page: Page, id: string, state: string, timeoutMs: number) {
  await expect
    .poll(
      async () => {
        const m = await getMachine(page, id);
        if (m.state === "FAILED" && state !== "FAILED") throw new Error(`the machine failed: ${m.stateDetail}`);
        return m.state;
      },
      { timeout: timeoutMs, intervals: [1000], message: `machine ${id} to be ${state}` },
    )
    .toBe(state);
}

/** A Docker host and a READY container template (exec and ssh consoles), through the API. */
export async function containerTemplate(
  page: Page,
  names: { host: string; template: string },
): Promise<{ hostId: string; templateId: string }> {
  const host = await ok<{ id: string }>(
    await page.request.post("/api/admin/hosts", {
      // room for the teacher's machine, a pool and a few students (placement counts every machine's vCPUs)
      data: {
        name: names.host,
        kind: "DOCKER",
        uri: "unix:///var/run/docker.sock",
        vcpus: 8,
        memoryMb: 8192,
        diskGb: 100,
        maxMachines: 20,
      },
      timeout: 60_000,
    }),
    "create the Docker host",
  );
  const template = await ok<{ id: string; status: string }>(
    await page.request.post("/api/templates", {
      data: {
        name: names.template,
        kind: "DOCKER",
        dockerImage: DOCKER_IMAGE,
        consoleKinds: ["exec", "ssh"],
        shell: "/bin/bash",
        sshUser: "student",
        memoryMb: 128,
      },
      timeout: 60_000,
    }),
    "create the container template",
  );
  expect(template.status).toBe("READY");
  return { hostId: host.id, templateId: template.id };
}

/** Deletes this run's classes (name ending in -run) with all their machines, waiting until the machines are gone. */
export async function deleteClasses(page: Page, run: string) {
  const classes: Listed[] = [];
  for (const archived of ["false", "true"])
    classes.push(...(await items(page, `/api/classes?archived=${archived}`)).filter((c) => c.name.endsWith(`-${run}`)));
  for (const c of classes) {
    const deadline = Date.now() + 120_000;
    let confirm = 0;
    while (Date.now() < deadline) {
      // the portal says how many machines go with the class when the number sent is not it
      const res = await page.request.delete(`/api/classes/${c.id}?confirmMachines=${confirm}`);
      if (res.ok() || res.status() === 404) break;
      const body = (await res.json().catch(() => null)) as { error?: { fields?: { confirmMachines?: string } } } | null;
      const told = Number(body?.error?.fields?.confirmMachines);
      if (Number.isInteger(told) && told !== confirm) confirm = told;
      else await page.waitForTimeout(2000); // a machine is still being worked on: try again in a moment
    }
    await expect
      .poll(
        async () => (await items(page, `/api/machines?scope=all&pageSize=200&q=${encodeURIComponent(c.name)}`)).length,
        {
          timeout: 120_000,
          intervals: [1000],
          message: `the machines of class ${c.name} to be gone`,
        },
      )
      .toBe(0);
  }
}
