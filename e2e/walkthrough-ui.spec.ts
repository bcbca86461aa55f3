// What the teacher's and students' walk-through found in the pages (#14 item 18): a garbage invite link says it is
// not valid in words a student understands; unknown URLs get the portal's own 404 with a way home; a password
// change lands on the sign-in page saying why; the admin dashboard shows hosts, running machines, failed jobs and
// pending requests, each a link to its page; "Create class" closes the form and brings the new class into view
// with its progress.
import { randomBytes } from "node:crypto";
import { type BrowserContext, expect, test } from "@playwright/test";
import { admin, signIn } from "./fixtures";
import { cleanUp, containerTemplate, deleteClasses, ok } from "./lab";

const run = randomBytes(3).toString("hex");
const PASSWORD = "walkthrough-e2e-pass-1";

test.beforeEach(({ browserName: _ }, info) => {
  test.skip(info.project.name !== "desktop", "desktop only");
});

const contexts: BrowserContext[] = [];
test.afterEach(async () => {
  for (const c of contexts.splice(0)) await c.close().catch(() => undefined);
});

test("a garbage invite link says the link is not valid", async ({ page }) => {
  await page.goto("/join/garbage");
  await expect(page.getByTestId("join-error")).toHaveText(
    "This invite link is not valid — ask your teacher for a new one.",
  );
  await expect(page.getByText("Some path fields are not valid")).toHaveCount(0);
});

test("an unknown URL gets the portal's own 404 page with a way home", async ({ page }) => {
  const res = await page.goto(`/no-such-page-${run}`);
  expect(res?.status()).toBe(404);
  await expect(page.getByTestId("not-found")).toContainText("Lab Portal");
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await page.getByTestId("not-found-home").click();
  // home is the sign-in page for a visitor without a session
  await expect(page).toHaveURL(/\/login/);
});

test("a password change lands on the sign-in page saying so, and the new password works", async ({ page, browser }) => {
  await signIn(page, admin().email, admin().password);
  const user = { email: `pw-${run}@school.test`, name: `Pat ${run}` };
  await ok(
    await page.request.post("/api/admin/users", { data: { ...user, role: "STUDENT", password: PASSWORD } }),
    "create the student",
  );
  const context = await browser.newContext();
  contexts.push(context);
  const sPage = await context.newPage();
  // an account an admin made must change its password first: signing in lands on the profile
  await sPage.goto("/login");
  await sPage.getByLabel("Email").fill(user.email);
  await sPage.getByLabel("Password").fill(PASSWORD);
  await sPage.getByRole("button", { name: "Sign in" }).click();
  await expect(sPage).toHaveURL(/\/(profile|labs)/);
  await sPage.goto("/profile");
  const next = `${PASSWORD}-new`;
  await sPage.getByLabel("Current password").fill(PASSWORD);
  await sPage.getByLabel("New password", { exact: true }).fill(next);
  await sPage.getByLabel("Confirm new password").fill(next);
  await sPage.getByTestId("change-password-submit").click();
  await expect(sPage).toHaveURL(/\/login\?changed=1/, { timeout: 15_000 });
  await expect(sPage.getByTestId("login-password-changed")).toHaveText(
    "Your password was changed; sign in with the new one.",
  );
  await sPage.getByLabel("Email").fill(user.email);
  await sPage.getByLabel("Password").fill(next);
  await sPage.getByRole("button", { name: "Sign in" }).click();
  await expect(sPage).toHaveURL(/\/profile$/);
  // a plain visit to the sign-in page says nothing of the kind
  await context.clearCookies();
  await sPage.goto("/login");
  await expect(sPage.getByTestId("login-password-changed")).toHaveCount(0);
});

test("the admin dashboard shows hosts, running machines, failed jobs and pending requests, each linking to its page", async ({
  page,
}) => {
  await signIn(page, admin().email, admin().password);
  await page.goto("/dashboard");
  const cards = [
    ["hosts", "/admin/hosts"],
    ["running", "/machines"],
    ["failed-jobs", "/jobs"],
    ["pending-requests", "/requests"],
  ] as const;
  for (const [key, href] of cards) {
    const card = page.getByTestId(`card-${key}`);
    await expect(card).toBeVisible();
    await expect(card).toHaveAttribute("href", href);
    await expect(page.getByTestId(`card-${key}-value`)).toHaveText(/^\d+$/);
  }
  // the numbers are the database's: as many hosts as the hosts list shows
  const hosts = ((await (await page.request.get("/api/admin/hosts")).json()) as { items: unknown[] }).items.length;
  await expect(page.getByTestId("card-hosts-value")).toHaveText(String(hosts));
  await page.getByTestId("card-hosts").click();
  await expect(page).toHaveURL(/\/admin\/hosts$/);
});

test.describe("creating a class", () => {
  test.afterEach(async ({ page }) => {
    await deleteClasses(page, run);
    await cleanUp(page, run);
  });

  test("closes the form and brings the new class into view with its progress", async ({ page }) => {
    test.setTimeout(300_000);
    await signIn(page, admin().email, admin().password);
    const names = {
      host: `e2e-walk-docker-${run}`,
      template: `e2e-walk-tpl-${run}`,
      className: `e2e-walk-class-${run}`,
    };
    await containerTemplate(page, names);
    // enough classes above the fold that a new one would otherwise sit below it
    await page.setViewportSize({ width: 1280, height: 600 });
    await page.goto("/classes");
    await page.getByTestId("new-class-open").click();
    const form = page.getByRole("form", { name: "New class" });
    await form.getByLabel("Name", { exact: true }).fill(names.className);
    const templateSelect = form.getByLabel("Template");
    const templateValue = await templateSelect.locator("option", { hasText: names.template }).getAttribute("value");
    await templateSelect.selectOption(templateValue!);
    await form.getByLabel("Pre-provisioned machines").fill("0");
    await form.getByTestId("new-class-submit").click();
    // the form is gone, the progress shows, and the new class's row is on screen
    await expect(page.getByRole("form", { name: "New class" })).toHaveCount(0);
    const created = page.getByTestId("new-class-created");
    await expect(created).toContainText(names.className);
    const row = page.getByTestId(`class-row-${names.className}`);
    await expect(row).toBeInViewport({ timeout: 15_000 });
    await expect(created.getByTestId("job-progress")).toHaveAttribute("data-status", "SUCCEEDED", { timeout: 120_000 });
  });
});
