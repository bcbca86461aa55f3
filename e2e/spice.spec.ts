// A VM's screen over SPICE in a real browser (spice-html5) against the real libvirtd on this machine: a host, a
// template offering VNC and SPICE and one started machine are made through the API (as in consoles.spec.ts). The
// SPICE console connects (its main channel, then the display, inputs and cursor channels on the same ticket URL)
// and the guest's screen is drawn on the canvas; a reconnect draws it again; keys typed on the canvas reach the
// guest (`poweroff -f` stops the machine) and the page then says the console closed. Everything the spec creates
// is removed through the API afterwards, also when a step fails.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { expect, type Page, test } from "@playwright/test";
import { admin, signIn } from "./fixtures";
import { cleanUp, GUEST_IMAGE, getMachine, type Machine, ok, VIRT_TYPE, waitForState } from "./lab";

const run = randomBytes(3).toString("hex");
const names = {
  host: `e2e-spice-kvm-${run}`,
  template: `e2e-spice-tpl-${run}`,
  vm: `e2e-spice-vm-${run}`,
};

test.beforeEach(({ browserName: _ }, info) => {
  test.skip(info.project.name !== "desktop", "desktop only");
});

test.afterAll(async ({ browser }) => {
  const page = await browser.newPage();
  try {
    await signIn(page, admin().email, admin().password);
    await cleanUp(page, run);
  } finally {
    await page.close();
  }
});

/** A libvirt host, a template offering VNC and SPICE, and one started machine, all through the API. */
async function runningVm(page: Page): Promise<Machine> {
  const host = await ok<{ id: string }>(
    await page.request.post("/api/admin/hosts", {
      data: {
        name: names.host,
        kind: "LIBVIRT",
        uri: "qemu:///system",
        virtType: VIRT_TYPE,
        storagePool: "lab-portal-e2e",
        vcpus: 2,
        memoryMb: 2048,
        diskGb: 50,
        maxMachines: 5,
      },
      timeout: 60_000,
    }),
    "create host",
  );
  const created = await ok<{ id: string }>(
    await page.request.post("/api/templates", {
      data: { name: names.template, kind: "LIBVIRT", consoleKinds: ["vnc", "spice"], memoryMb: 128, vcpus: 1 },
      timeout: 60_000,
    }),
    "create template",
  );
  const template = await ok<{ id: string; status: string }>(
    await page.request.put(`/api/templates/${created.id}/image`, {
      data: readFileSync(GUEST_IMAGE),
      headers: { "content-type": "application/octet-stream", "x-file-name": "guest.qcow2" },
      timeout: 60_000,
    }),
    "upload the guest image",
  );
  expect(template.status).toBe("READY");
  const made = await ok<{ machines: Machine[] }>(
    await page.request.post("/api/machines", {
      data: { templateId: template.id, name: names.vm, count: 1, hostId: host.id },
    }),
    "create machine",
  );
  const machine = made.machines[0]!;
  await waitForState(page, machine.id, "STOPPED", 120_000);
  await ok(await page.request.post(`/api/machines/${machine.id}/start`, { data: {} }), "start machine");
  await waitForState(page, machine.id, "RUNNING", 60_000);
  return getMachine(page, machine.id);
}

/** The size of the SPICE canvas and how many distinct colours it shows (a sample of its pixels, up to 2). */
function canvasInfo(page: Page): Promise<{ width: number; height: number; colours: number }> {
  return page.getByTestId("spice-screen").evaluate((screen: HTMLElement) => {
    const canvas = screen.querySelector("canvas");
    if (!canvas || canvas.width === 0 || canvas.height === 0) return { width: 0, height: 0, colours: 0 };
    const ctx = canvas.getContext("2d");
    if (!ctx) return { width: canvas.width, height: canvas.height, colours: 0 };
    const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    const seen = new Set<number>();
    for (let i = 0; i < data.length && seen.size < 2; i += 4 * 3)
      seen.add(((data[i] ?? 0) << 16) | ((data[i + 1] ?? 0) << 8) | (data[i + 2] ?? 0));
    return { width: canvas.width, height: canvas.height, colours: seen.size };
  });
}

test("a VM's screen over SPICE: connected, drawn on the canvas, and typed keys reach the guest", async ({ page }) => {
  test.setTimeout(360_000);
  await signIn(page, admin().email, admin().password);
  const vm = await runningVm(page);

  await page.goto(`/machines/${vm.id}/console?kind=spice`);
  await expect(page.getByRole("heading", { name: names.vm })).toBeVisible();
  // the chooser offers both kinds the template offers; SPICE is the current one
  await expect(page.getByRole("navigation", { name: "Console kinds" }).getByRole("link")).toHaveText([
    "Screen (VNC)",
    "SPICE",
  ]);
  await expect(page.getByTestId("console-kind-spice")).toHaveAttribute("aria-current", "page");

  const status = page.getByTestId("console-status");
  await expect(status).toHaveAttribute("data-state", "connected", { timeout: 30_000 });
  await expect(status).toHaveText("Connected");
  // the display channel made its canvas, and the guest draws something (SeaBIOS, then the kernel): not one flat colour
  await expect
    .poll(
      async () => {
        const c = await canvasInfo(page);
        return c.width > 0 && c.height > 0;
      },
      { timeout: 90_000, intervals: [1000], message: "a SPICE canvas with a size" },
    )
    .toBe(true);
  await expect
    .poll(async () => (await canvasInfo(page)).colours, {
      timeout: 90_000,
      intervals: [1000],
      message: "the SPICE canvas to show more than one colour",
    })
    .toBeGreaterThan(1);
  await expect(page.getByTestId("spice-ctrl-alt-del")).toBeEnabled();

  // a reconnect asks for a new ticket and draws again on a new canvas
  await page.getByTestId("console-reconnect").click();
  await expect(status).toHaveAttribute("data-state", "connected", { timeout: 30_000 });
  await expect
    .poll(async () => (await canvasInfo(page)).colours, {
      timeout: 60_000,
      intervals: [1000],
      message: "the SPICE canvas to be drawn again after a reconnect",
    })
    .toBeGreaterThan(1);
  await expect(page.getByTestId("spice-screen").locator("canvas")).toHaveCount(1);

  // keys typed on the canvas reach the guest over the inputs channel: `poweroff -f` (no shifted characters: the
  // keyboard sends scancodes) stops the machine; the guest may still be booting, so type again until it stops
  const canvas = page.getByTestId("spice-screen").locator("canvas");
  const deadline = Date.now() + 120_000;
  let stopped = false;
  while (!stopped && Date.now() < deadline) {
    if ((await status.getAttribute("data-state")) === "connected") {
      await canvas.click({ position: { x: 5, y: 5 } });
      await page.keyboard.press("Enter");
      await page.keyboard.type("poweroff -f");
      await page.keyboard.press("Enter");
    }
    const until = Date.now() + 15_000;
    while (Date.now() < until) {
      if ((await getMachine(page, vm.id)).state === "STOPPED") {
        stopped = true;
        break;
      }
      await page.waitForTimeout(1000);
    }
  }
  expect(stopped, "the machine stopped after `poweroff -f` was typed into the SPICE console").toBe(true);
  // the display went away with the guest: the page says so and offers to reconnect
  await expect(status).toHaveAttribute("data-state", "closed", { timeout: 30_000 });
  await expect(status).not.toHaveText("Connected");
  await expect(page.getByTestId("spice-closed")).toBeVisible();
});
