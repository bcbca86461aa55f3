// Watching a student's terminal, in two browser contexts against the real dockerd: the student types in their
// exec terminal; the admin who watches (view only) sees the same shell with what was typed before they came,
// and the student's page shows "<name> is watching your screen (view only)"; a take-over's keystrokes appear in
// the student's terminal and the banner says so; My labs opened meanwhile shows the banner on the machine's card;
// when the watcher leaves, the banners go.
import { randomBytes } from "node:crypto";
import { type BrowserContext, expect, test } from "@playwright/test";
import { admin, signIn } from "./fixtures";
import { cleanUp, containerTemplate, type Machine, ok, waitForState } from "./lab";

const run = randomBytes(3).toString("hex");
const names = { host: `e2e-watch-docker-${run}`, template: `e2e-watch-tpl-${run}`, machine: `e2e-watch-ct-${run}` };
const PASSWORD = "watching-e2e-pass-1";
const NEW_PASSWORD = "watching-e2e-pass-2";
const student = { email: `watched-${run}@school.test`, name: `Watched ${run}` };

test.beforeEach(({ browserName: _ }, info) => {
  test.skip(info.project.name !== "desktop", "desktop only");
});

const contexts: BrowserContext[] = [];
test.afterEach(async ({ page }) => {
  for (const c of contexts.splice(0)) await c.close().catch(() => undefined);
  await cleanUp(page, run);
});

test("a student sees who watches their terminal, the watcher sees the student's own shell, a take-over types into it", async ({
  page,
  browser,
}) => {
  test.setTimeout(300_000);

  // --- admin: a container template, a student and a running machine of theirs ---
  await signIn(page, admin().email, admin().password);
  const { templateId, hostId } = await containerTemplate(page, names);
  const user = await ok<{ id: string }>(
    await page.request.post("/api/admin/users", { data: { ...student, role: "STUDENT", password: PASSWORD } }),
    "create the student",
  );
  const created = await ok<{ machines: Machine[] }>(
    await page.request.post("/api/machines", {
      data: { templateId, name: names.machine, count: 1, hostId, ownerId: user.id },
    }),
    "create the student's machine",
  );
  const machine = created.machines[0] as Machine;
  await waitForState(page, machine.id, "STOPPED", 120_000);
  await ok(await page.request.post(`/api/machines/${machine.id}/start`, { data: {} }), "start the machine");
  await waitForState(page, machine.id, "RUNNING", 60_000);
  const adminName = (await ok<{ name: string }>(await page.request.get("/api/me"), "GET /api/me")).name;

  // --- the student opens their terminal and types ---
  const context = await browser.newContext();
  contexts.push(context);
  const sPage = await context.newPage();
  // an account an admin made must change its password first (the portal sends it to its profile)
  await sPage.goto("/login");
  await sPage.getByLabel("Email").fill(student.email);
  await sPage.getByLabel("Password").fill(PASSWORD);
  await sPage.getByRole("button", { name: "Sign in" }).click();
  await expect(sPage).toHaveURL(/\/(profile|labs)/);
  await ok(
    await sPage.request.post("/api/me/password", { data: { currentPassword: PASSWORD, newPassword: NEW_PASSWORD } }),
    "change the student's password",
  );
  await signIn(sPage, student.email, NEW_PASSWORD);
  await sPage.goto(`/machines/${machine.id}/console?kind=exec`);
  await expect(sPage.getByTestId("console-status")).toHaveAttribute("data-state", "connected", { timeout: 30_000 });
  await expect(sPage.getByTestId("watch-banner")).toHaveCount(0);
  const sRows = sPage.getByTestId("terminal-screen").locator(".xterm-rows");
  await sPage.getByTestId("terminal-screen").click();
  await sPage.keyboard.type("echo student-$((6*7))");
  await sPage.keyboard.press("Enter");
  await expect(sRows).toContainText("student-42", { timeout: 15_000 });

  // --- the admin watches: the student's own shell, with what was typed before ---
  await page.goto(`/machines/${machine.id}/console?kind=exec&view=1`);
  await expect(page.getByTestId("console-status")).toHaveText("Connected (view only)", { timeout: 30_000 });
  const aRows = page.getByTestId("terminal-screen").locator(".xterm-rows");
  await expect(aRows).toContainText("student-42", { timeout: 15_000 });
  const banner = sPage.getByTestId("watch-banner");
  await expect(banner).toHaveText(`${adminName} is watching your screen (view only)`, { timeout: 15_000 });

  // what the student types now appears on the watcher's screen
  await sPage.keyboard.type("echo live-$((7*8))");
  await sPage.keyboard.press("Enter");
  await expect(aRows).toContainText("live-56", { timeout: 15_000 });

  // My labs, opened while someone watches, shows it on the machine's card
  const labs = await context.newPage();
  await labs.goto("/labs");
  await expect(labs.getByTestId(`lab-card-${names.machine}`).getByTestId("watch-banner")).toHaveText(
    `${adminName} is watching your screen (view only)`,
    { timeout: 15_000 },
  );

  // --- take-over: the admin's keystrokes reach the student's terminal ---
  await page.goto(`/machines/${machine.id}/console?kind=exec`);
  await expect(page.getByTestId("console-status")).toHaveText("Connected", { timeout: 30_000 });
  await expect(banner).toHaveText(`${adminName} has taken over your console`, { timeout: 15_000 });
  await expect(page.getByTestId("terminal-screen").locator(".xterm-rows")).toContainText("live-56", {
    timeout: 15_000,
  });
  await page.getByTestId("terminal-screen").click();
  await page.keyboard.type("echo takeover-$((8*9))");
  await page.keyboard.press("Enter");
  await expect(sRows).toContainText("takeover-72", { timeout: 15_000 });

  // --- the watcher leaves: the banners go ---
  await page.goto("/dashboard");
  await expect(banner).toHaveCount(0, { timeout: 15_000 });
  await expect(labs.getByTestId(`lab-card-${names.machine}`).getByTestId("watch-banner")).toHaveCount(0, {
    timeout: 15_000,
  });
  // and the student's shell is still theirs
  await sPage.getByTestId("terminal-screen").click();
  await sPage.keyboard.type("echo mine-$((5*5))");
  await sPage.keyboard.press("Enter");
  await expect(sRows).toContainText("mine-25", { timeout: 15_000 });
});
