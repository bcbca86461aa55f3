// Phase 2's "done when" in a real browser against the real dockerd and libvirtd on this machine: the admin adds a
// Docker and a libvirt host, builds a template of each kind (uploading the guest disk image for the VM one), then
// creates, starts, stops and deletes a container and a VM while the machines list follows the state live over
// /ws/events. Everything the spec creates is removed through the API afterwards, also when a step fails.
import { randomBytes } from "node:crypto";
import { expect, type Locator, type Page, test } from "@playwright/test";
import { admin, signIn } from "./fixtures";
import { cleanUp, DOCKER_IMAGE, GUEST_IMAGE, VIRT_TYPE } from "./lab";

const run = randomBytes(3).toString("hex");
const names = {
  dockerHost: `e2e-docker-${run}`,
  kvmHost: `e2e-kvm-${run}`,
  badHost: `e2e-unreachable-${run}`,
  dockerTemplate: `e2e-ct-tpl-${run}`,
  vmTemplate: `e2e-vm-tpl-${run}`,
  container: `e2e-ct-${run}`,
  vm: `e2e-vm-${run}`,
};

// The phone project only runs mobile.spec.ts (playwright.config.ts); this guard keeps it that way.
test.beforeEach(({ browserName: _ }, info) => {
  test.skip(info.project.name !== "desktop", "desktop only");
});

test.afterEach(async ({ page }) => {
  await cleanUp(page, run);
});

async function openNav(page: Page, label: string, url: RegExp) {
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: label, exact: true }).click();
  await expect(page).toHaveURL(url);
}

/** The value of the <option> whose text contains `text` (option labels carry extra details). */
async function optionValue(select: Locator, text: string): Promise<string> {
  const value = await select.locator("option", { hasText: text }).getAttribute("value");
  expect(value, `an option containing "${text}"`).toBeTruthy();
  return value!;
}

async function addHost(
  page: Page,
  host: { name: string; kind: "DOCKER" | "LIBVIRT"; uri: string; virtType?: string; storagePool?: string },
) {
  const form = page.getByRole("form", { name: "Add host" });
  await form.getByLabel("Name", { exact: true }).fill(host.name);
  await form.getByLabel("Kind").selectOption(host.kind);
  await form.getByLabel("Connection URI").fill(host.uri);
  if (host.virtType) await form.getByLabel("Virtualization").selectOption(host.virtType);
  if (host.storagePool) await form.getByLabel("Storage pool").fill(host.storagePool);
  await form.getByTestId("host-test").click();
  const result = form.getByTestId("host-test-result");
  await expect(result).toContainText("Connected", { timeout: 30_000 });
  // a successful test fills in vCPUs and RAM; the rest of the capacity is ours to choose
  await expect(form.getByLabel("vCPUs")).not.toHaveValue("");
  await form.getByLabel("Disk (GB)").fill("50");
  await form.getByLabel("Max machines").fill("5");
  return { form, result };
}

async function createMachine(page: Page, template: string, host: string, name: string) {
  await page.getByTestId("new-machines-open").click();
  const form = page.getByRole("form", { name: "New machines" });
  const templateSelect = form.getByLabel("Template");
  await templateSelect.selectOption(await optionValue(templateSelect, template));
  await form.getByLabel("Name", { exact: true }).fill(name);
  await form.getByLabel("How many").fill("1");
  const hostSelect = form.getByLabel("Host");
  await hostSelect.selectOption(await optionValue(hostSelect, host));
  await form.getByTestId("new-machines-submit").click();
  const job = page.getByTestId("job-progress").filter({ hasText: `Create ${name}` });
  await expect(job.getByTestId("job-summary")).toHaveText("Finished: all 1 created.", { timeout: 120_000 });
  await expect(job).toHaveAttribute("data-status", "SUCCEEDED");
  const row = page.getByTestId(`machine-row-${name}`);
  await expect(row.getByTestId("machine-state")).toHaveText("Stopped", { timeout: 15_000 });
  return row;
}

/** Starts the machine and waits for "Running" pushed over the live channel: the document is never reloaded. */
async function startLive(page: Page, row: Locator) {
  await page.evaluate(() => {
    (window as unknown as { __e2eSamePage?: boolean }).__e2eSamePage = true;
  });
  await row.getByTestId("machine-start").click();
  await expect(row.getByTestId("machine-state")).toHaveText("Running", { timeout: 60_000 });
  expect(await page.evaluate(() => (window as unknown as { __e2eSamePage?: boolean }).__e2eSamePage)).toBe(true);
}

async function stop(page: Page, row: Locator, name: string, force: boolean) {
  await row.getByTestId("machine-stop").click();
  const dialog = page.getByRole("dialog", { name: `Stop ${name}?` });
  await expect(dialog).toBeVisible();
  if (force) await dialog.getByRole("checkbox", { name: /Force power off/ }).check();
  await dialog.getByRole("button", { name: force ? "Power off now" : "Stop", exact: true }).click();
  await expect(dialog).toBeHidden();
  await expect(row.getByTestId("machine-state")).toHaveText("Stopped", { timeout: 60_000 });
}

async function remove(page: Page, row: Locator, name: string) {
  await row.getByTestId("machine-delete").click();
  const dialog = page.getByRole("dialog", { name: `Delete ${name}?` });
  await dialog.getByRole("button", { name: "Delete machine", exact: true }).click();
  await expect(dialog).toBeHidden();
  await expect(row).toHaveCount(0, { timeout: 60_000 });
}

test("admin registers hosts, builds templates and runs a container machine with live state", async ({ page }) => {
  test.setTimeout(300_000);
  await signIn(page, admin().email, admin().password);

  // --- hosts ---
  await openNav(page, "Hosts", /\/admin\/hosts/);
  await page.getByTestId("new-host-open").click();

  const docker = await addHost(page, { name: names.dockerHost, kind: "DOCKER", uri: "unix:///var/run/docker.sock" });
  await expect(docker.result).toContainText(/Docker \d+\.\d+/);
  await docker.form.getByTestId("host-save").click();
  await expect(page.getByTestId("host-created")).toContainText(names.dockerHost);
  const dockerRow = page.getByTestId(`host-row-${names.dockerHost}`);
  await expect(dockerRow.getByTestId("host-status")).toHaveText("Online");
  await expect(dockerRow).toContainText("unix:///var/run/docker.sock");

  const kvm = await addHost(page, {
    name: names.kvmHost,
    kind: "LIBVIRT",
    uri: "qemu:///system",
    virtType: VIRT_TYPE,
    storagePool: "lab-portal-e2e",
  });
  await kvm.form.getByTestId("host-save").click();
  await expect(page.getByTestId("host-created")).toContainText(names.kvmHost, { timeout: 30_000 });
  const kvmRow = page.getByTestId(`host-row-${names.kvmHost}`);
  await expect(kvmRow).toContainText(`libvirt (${VIRT_TYPE})`);
  // plain emulation is reported as a warning: the host is usable but "Degraded"
  await expect(kvmRow.getByTestId("host-status")).toHaveText(VIRT_TYPE === "kvm" ? "Online" : "Degraded");

  // --- templates ---
  await openNav(page, "Templates", /\/templates/);
  await page.getByTestId("new-template-open").click();
  let form = page.getByTestId("template-new-form");
  await form.getByLabel("Name", { exact: true }).fill(names.dockerTemplate);
  await form.getByTestId("template-kind").selectOption("DOCKER");
  await form.getByTestId("template-docker-image").fill(DOCKER_IMAGE);
  await expect(form.getByTestId("template-console-exec")).toBeChecked();
  await form.getByTestId("template-console-ssh").check();
  await form.getByLabel("SSH user (optional)").fill("student");
  await form.getByTestId("template-save").click();
  await expect(page.getByTestId("template-created")).toContainText(`Template ${names.dockerTemplate} is ready.`, {
    timeout: 30_000,
  });
  const dockerCard = page.getByTestId(`template-card-${names.dockerTemplate}`);
  await expect(dockerCard.getByTestId("template-status")).toHaveText("Ready");
  await expect(dockerCard).toContainText("SSH student@port 22");

  await page.getByRole("button", { name: "Create another" }).click();
  form = page.getByTestId("template-new-form");
  await form.getByLabel("Name", { exact: true }).fill(names.vmTemplate);
  await form.getByTestId("template-kind").selectOption("LIBVIRT");
  await form.getByTestId("template-save").click();
  const upload = page.getByTestId("image-upload");
  await expect(upload).toBeVisible();
  // ~10 MB over loopback is over in a blink: note every progress bar the upload shows instead of racing it
  await upload.evaluate((root) => {
    const seen: string[] = [];
    (window as unknown as { __e2eProgress: string[] }).__e2eProgress = seen;
    new MutationObserver(() => {
      const bar = root.querySelector('[role="progressbar"]');
      const text = bar?.getAttribute("aria-valuetext");
      if (text && seen.at(-1) !== text) seen.push(text);
    }).observe(root, { subtree: true, childList: true, attributes: true });
  });
  await upload.getByTestId("image-file").setInputFiles(GUEST_IMAGE);
  await expect(upload).toContainText("Chosen: guest.qcow2");
  await upload.getByTestId("image-upload-start").click();
  // once the image is accepted the panel moves on from the upload step to the final "ready" message
  await expect(page.getByTestId("template-created")).toContainText(`Template ${names.vmTemplate} is ready.`, {
    timeout: 60_000,
  });
  await expect(page.getByTestId("image-upload-error")).toHaveCount(0);
  await expect(page.locator("#new-template-panel").getByRole("alert")).toHaveCount(0);
  const progress = await page.evaluate(() => (window as unknown as { __e2eProgress: string[] }).__e2eProgress);
  expect(progress.length, `progress bar states seen: ${JSON.stringify(progress)}`).toBeGreaterThan(0);
  expect(progress.every((p) => /^\d{1,3}%$/.test(p) || p === "Uploaded; checking the image")).toBe(true);
  const vmCard = page.getByTestId(`template-card-${names.vmTemplate}`);
  await expect(vmCard.getByTestId("template-status")).toHaveText("Ready");
  await expect(vmCard).toContainText("qcow2");

  // --- a container: create → start (live) → stop → delete ---
  await openNav(page, "Machines", /\/machines/);
  const ct = await createMachine(page, names.dockerTemplate, names.dockerHost, names.container);
  await expect(ct).toContainText(names.dockerHost);
  await startLive(page, ct);
  await stop(page, ct, names.container, false);
  await remove(page, ct, names.container);

  // --- a VM from the uploaded image: create → start (live) → force power off → delete ---
  const vm = await createMachine(page, names.vmTemplate, names.kvmHost, names.vm);
  await expect(vm).toContainText(names.kvmHost);
  await startLive(page, vm);
  await stop(page, vm, names.vm, true);
  await remove(page, vm, names.vm);
});

test("an unreachable host is refused next to the URI field", async ({ page }) => {
  await signIn(page, admin().email, admin().password);
  await openNav(page, "Hosts", /\/admin\/hosts/);
  await page.getByTestId("new-host-open").click();
  const form = page.getByRole("form", { name: "Add host" });
  await form.getByLabel("Name", { exact: true }).fill(names.badHost);
  await form.getByLabel("Kind").selectOption("LIBVIRT");
  await form.getByLabel("Connection URI").fill("qemu+tcp://127.0.0.1:1/system");
  await form.getByLabel("Virtualization").selectOption(VIRT_TYPE);
  for (const [label, value] of [
    ["vCPUs", "2"],
    ["RAM (MiB)", "2048"],
    ["Disk (GB)", "20"],
    ["Max machines", "2"],
  ] as const)
    await form.getByLabel(label, { exact: true }).fill(value);
  await form.getByTestId("host-save").click();

  const uri = form.getByLabel("Connection URI");
  const uriError = form.getByTestId("host-uri-error");
  await expect(uriError).toBeVisible({ timeout: 30_000 });
  await expect(uriError).not.toBeEmpty();
  await expect(uri).toHaveAttribute("aria-invalid", "true");
  await expect(uri).toHaveAttribute("aria-describedby", /host-uri-error/);
  await expect(form.getByTestId("host-form-error")).toHaveText("The connection test failed; nothing was saved.");
  await expect(page.getByTestId("host-created")).toHaveCount(0);
  await expect(page.getByTestId(`host-row-${names.badHost}`)).toHaveCount(0);
  // and not just hidden on this page: the server has no such host either
  await page.reload();
  await expect(page.getByRole("heading", { name: "Hosts", exact: true })).toBeVisible();
  await expect(page.getByText("Loading hosts…")).toHaveCount(0);
  await expect(page.getByTestId(`host-row-${names.badHost}`)).toHaveCount(0);
});
