// Consoles in a real browser against the real libvirtd and dockerd on this machine. Hosts, templates and machines
// are made through the API (machines.spec.ts covers doing that through the pages); the consoles are used as a
// person would: (a) a VM's screen over VNC — connected, something drawn on the canvas, and text typed with
// "Paste text as keystrokes" reaching the guest's shell (`poweroff -f` stops the machine); (b) a container's
// shell over exec — a command typed into xterm runs, and the shell's end offers a new one; (c) the same container
// over SSH — the page asks for the password (a wrong one is said to be wrong), then the shell works. Everything the
// spec creates is removed through the API afterwards, also when a step fails.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { expect, type Page, test } from "@playwright/test";
import { admin, signIn } from "./fixtures";
import { cleanUp, DOCKER_IMAGE, GUEST_IMAGE, getMachine, type Machine, ok, VIRT_TYPE, waitForState } from "./lab";

const run = randomBytes(3).toString("hex");
const names = {
  kvmHost: `e2e-con-kvm-${run}`,
  dockerHost: `e2e-con-docker-${run}`,
  vmTemplate: `e2e-con-vm-tpl-${run}`,
  ctTemplate: `e2e-con-ct-tpl-${run}`,
  vm: `e2e-con-vm-${run}`,
  container: `e2e-con-ct-${run}`,
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

/** A host, a template and one started machine, all through the API. */
async function runningMachine(page: Page, kind: "LIBVIRT" | "DOCKER"): Promise<Machine> {
  const host = await ok<{ id: string }>(
    await page.request.post("/api/admin/hosts", {
      data:
        kind === "LIBVIRT"
          ? {
              name: names.kvmHost,
              kind,
              uri: "qemu:///system",
              virtType: VIRT_TYPE,
              storagePool: "lab-portal-e2e",
              vcpus: 2,
              memoryMb: 2048,
              diskGb: 50,
              maxMachines: 5,
            }
          : {
              name: names.dockerHost,
              kind,
              uri: "unix:///var/run/docker.sock",
              vcpus: 2,
              memoryMb: 2048,
              diskGb: 50,
              maxMachines: 5,
            },
      timeout: 60_000,
    }),
    "create host",
  );
  let template = await ok<{ id: string; status: string }>(
    await page.request.post("/api/templates", {
      data:
        kind === "LIBVIRT"
          ? { name: names.vmTemplate, kind, consoleKinds: ["vnc"], memoryMb: 128, vcpus: 1 }
          : {
              name: names.ctTemplate,
              kind,
              dockerImage: DOCKER_IMAGE,
              consoleKinds: ["exec", "ssh"],
              shell: "/bin/bash",
              sshUser: "student",
            },
      timeout: 60_000,
    }),
    "create template",
  );
  if (kind === "LIBVIRT") {
    template = await ok(
      await page.request.put(`/api/templates/${template.id}/image`, {
        data: readFileSync(GUEST_IMAGE),
        headers: { "content-type": "application/octet-stream", "x-file-name": "guest.qcow2" },
        timeout: 60_000,
      }),
      "upload the guest image",
    );
  }
  expect(template.status).toBe("READY");
  const created = await ok<{ machines: Machine[] }>(
    await page.request.post("/api/machines", {
      data: {
        templateId: template.id,
        name: kind === "LIBVIRT" ? names.vm : names.container,
        count: 1,
        hostId: host.id,
      },
    }),
    "create machine",
  );
  const machine = created.machines[0]!;
  await waitForState(page, machine.id, "STOPPED", 120_000);
  await ok(await page.request.post(`/api/machines/${machine.id}/start`, { data: {} }), "start machine");
  await waitForState(page, machine.id, "RUNNING", 60_000);
  return getMachine(page, machine.id);
}

/** The container of tests (b) and (c): made once per worker. */
let container: Machine | null = null;
async function theContainer(page: Page): Promise<Machine> {
  container ??= await runningMachine(page, "DOCKER");
  return container;
}

/** How many distinct colours the VNC canvas shows (a sample of its pixels); 0 before it has a size. */
function canvasColours(page: Page): Promise<number> {
  return page
    .getByTestId("vnc-screen")
    .locator("canvas")
    .first()
    .evaluate((canvas: HTMLCanvasElement) => {
      const ctx = canvas.getContext("2d");
      if (!ctx || canvas.width === 0 || canvas.height === 0) return 0;
      const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
      const seen = new Set<number>();
      for (let i = 0; i < data.length && seen.size < 2; i += 4 * 3)
        seen.add(((data[i] ?? 0) << 16) | ((data[i + 1] ?? 0) << 8) | (data[i + 2] ?? 0));
      return seen.size;
    });
}

test("a VM's screen over VNC: connected, drawn, and typed text reaches the guest's shell", async ({ page }) => {
  test.setTimeout(420_000);
  await signIn(page, admin().email, admin().password);
  const vm = await runningMachine(page, "LIBVIRT");

  // the details page links to the console while the machine runs
  await page.goto(`/machines/${vm.id}`);
  const link = page.getByTestId("machine-console-vnc");
  await expect(link).toHaveAttribute("href", `/machines/${vm.id}/console?kind=vnc`);
  await link.click();
  await expect(page).toHaveURL(new RegExp(`/machines/${vm.id}/console\\?kind=vnc$`));
  await expect(page.getByRole("heading", { name: names.vm })).toBeVisible();
  await expect(page.getByTestId("console-back")).toHaveAttribute("href", `/machines/${vm.id}`);

  const status = page.getByTestId("console-status");
  await expect(status).toHaveAttribute("data-state", "connected", { timeout: 30_000 });
  await expect(status).toHaveText("Connected");
  // the guest draws something (SeaBIOS, then the kernel's console): not one flat colour
  await expect
    .poll(() => canvasColours(page), {
      timeout: 90_000,
      intervals: [1000],
      message: "the VNC canvas to show more than one colour",
    })
    .toBeGreaterThan(1);

  // type `poweroff -f` into the guest's shell; it may still be booting, so type again until the machine stops
  const deadline = Date.now() + 120_000;
  let stopped = false;
  while (!stopped && Date.now() < deadline) {
    if ((await status.getAttribute("data-state")) === "connected") {
      await page.getByTestId("vnc-paste-open").click();
      const dialog = page.getByRole("dialog", { name: "Paste text as keystrokes" });
      await dialog.getByTestId("vnc-paste-text").fill("\npoweroff -f\n");
      await dialog.getByTestId("vnc-paste-type").click();
      await expect(dialog).toBeHidden();
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
  expect(stopped, "the machine stopped after `poweroff -f` was typed into its console").toBe(true);
  // the display went away with the guest: the page says so and does not pretend to be connected
  await expect(status).toHaveAttribute("data-state", /closed|connecting/, { timeout: 30_000 });
  await expect(status).not.toHaveText("Connected");
});

test("a container's shell over exec: typed commands run, and the end of the shell offers a new one", async ({
  page,
}) => {
  test.setTimeout(300_000);
  await signIn(page, admin().email, admin().password);
  const ct = await theContainer(page);

  await page.goto(`/machines/${ct.id}`);
  await expect(page.getByTestId("machine-console-ssh")).toBeVisible();
  await page.getByTestId("machine-console-exec").click();
  await expect(page).toHaveURL(new RegExp(`/machines/${ct.id}/console\\?kind=exec$`));
  // the chooser offers what the template offers, for a container: exec and ssh
  await expect(page.getByRole("navigation", { name: "Console kinds" }).getByRole("link")).toHaveText([
    "Terminal",
    "SSH",
  ]);

  const status = page.getByTestId("console-status");
  await expect(status).toHaveAttribute("data-state", "connected", { timeout: 30_000 });
  const rows = page.getByTestId("terminal-screen").locator(".xterm-rows");
  await page.getByTestId("terminal-screen").click();
  await page.keyboard.type("echo hello-$((6*7))");
  await page.keyboard.press("Enter");
  await expect(rows).toContainText("hello-42", { timeout: 15_000 });

  // the shell ends: the page says so with the exit code and offers a new shell, which works
  await page.keyboard.type("exit 3");
  await page.keyboard.press("Enter");
  await expect(status).toHaveText("The shell ended (code 3)", { timeout: 15_000 });
  await page.getByTestId("terminal-new-shell").click();
  await expect(status).toHaveAttribute("data-state", "connected", { timeout: 30_000 });
  await page.getByTestId("terminal-screen").click();
  await page.keyboard.type("echo again-$((7*6))");
  await page.keyboard.press("Enter");
  await expect(rows).toContainText("again-42", { timeout: 15_000 });
});

test("a container's shell over SSH: the page asks for the password, a wrong one is refused, the right one works", async ({
  page,
}) => {
  test.setTimeout(300_000);
  await signIn(page, admin().email, admin().password);
  const ct = await theContainer(page);
  await page.goto(`/machines/${ct.id}/console?kind=exec`);
  await page.getByRole("navigation", { name: "Console kinds" }).getByRole("link", { name: "SSH" }).click();
  await expect(page).toHaveURL(new RegExp(`/machines/${ct.id}/console\\?kind=ssh$`));

  const auth = page.getByTestId("terminal-auth");
  await expect(auth).toContainText("Password for student@", { timeout: 30_000 });
  const password = auth.getByLabel(/Password for student@/);
  await password.fill("not-the-password");
  await password.press("Enter");
  await expect(auth).toBeHidden();
  await expect(page.getByTestId("terminal-notice")).toHaveText("Wrong password", { timeout: 30_000 });
  await expect(auth).toBeVisible({ timeout: 30_000 });
  await password.fill("student");
  await password.press("Enter");
  await expect(auth).toBeHidden();

  const rows = page.getByTestId("terminal-screen").locator(".xterm-rows");
  await expect(rows).toContainText("student@", { timeout: 30_000 });
  await page.getByTestId("terminal-screen").click();
  await page.keyboard.type("echo ssh-$((6*7)) $(whoami)");
  await page.keyboard.press("Enter");
  await expect(rows).toContainText("ssh-42 student", { timeout: 15_000 });
  await expect(page.getByTestId("console-status")).toHaveAttribute("data-state", "connected");
});
