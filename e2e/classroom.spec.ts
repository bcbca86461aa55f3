// The classroom flow in a real browser against the real dockerd: a teacher creates a class from a container
// template through the UI and copies an invite link; a new student opens it in another browser, creates an
// account through it (self-signup), lands on My labs, starts the machine and sees it running (pushed live); a
// second student, whose quota allows no running machine, signs in through the link, joins, presses Start and
// sees the quota's reason on the card. The class (with its machines), the template and the host are removed
// through the API afterwards, also when a step fails.
import { randomBytes } from "node:crypto";
import { type Browser, type BrowserContext, expect, type Page, test } from "@playwright/test";
import { admin, signIn } from "./fixtures";
import { cleanUp, containerTemplate, deleteClasses, ok } from "./lab";

const run = randomBytes(3).toString("hex");
const names = {
  host: `e2e-cls-docker-${run}`,
  template: `e2e-cls-tpl-${run}`,
  className: `e2e-class-${run}`,
};
const PASSWORD = "classroom-e2e-pass-1";
const teacher = { email: `teacher-${run}@school.test`, name: `Teacher ${run}` };
const student1 = { email: `ana-${run}@school.test`, name: `Ana ${run}` };
const student2 = { email: `ben-${run}@school.test`, name: `Ben ${run}` };

test.beforeEach(({ browserName: _ }, info) => {
  test.skip(info.project.name !== "desktop", "desktop only");
});

const contexts: BrowserContext[] = [];
async function newPage(browser: Browser, permissions: string[] = []): Promise<Page> {
  const context = await browser.newContext({ permissions });
  contexts.push(context);
  return context.newPage();
}

test.afterEach(async ({ page }) => {
  for (const c of contexts.splice(0)) await c.close().catch(() => undefined);
  // `page` is the admin's (signed in first thing in the test)
  await deleteClasses(page, run);
  await cleanUp(page, run);
});

test("a teacher creates a class and invites; students join, start a machine, and meet the quota", async ({
  page,
  browser,
}) => {
  test.setTimeout(420_000);

  // --- admin: a container template, a teacher, a student held to zero running machines, self-signup on ---
  await signIn(page, admin().email, admin().password);
  await containerTemplate(page, { host: names.host, template: names.template });
  await ok(
    await page.request.post("/api/admin/users", { data: { ...teacher, role: "TEACHER", password: PASSWORD } }),
    "create the teacher",
  );
  const ben = await ok<{ id: string }>(
    await page.request.post("/api/admin/users", { data: { ...student2, role: "STUDENT", password: PASSWORD } }),
    "create student 2",
  );
  await ok(
    await page.request.patch(`/api/admin/quotas/${ben.id}`, { data: { override: { maxRunning: 0 } } }),
    "limit student 2 to no running machine",
  );

  await page.goto("/admin/users");
  const toggle = page.getByRole("checkbox", { name: /create a student account from a class invite link/ });
  await expect(toggle).toBeEnabled();
  if (!(await toggle.isChecked())) await toggle.check();
  await expect(page.getByTestId("self-signup-card")).toContainText("Self-signup is on.");

  // --- the teacher creates the class through the UI ---
  const tPage = await newPage(browser, ["clipboard-read", "clipboard-write"]);
  await signIn(tPage, teacher.email, PASSWORD);
  await tPage.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Classes", exact: true }).click();
  await expect(tPage).toHaveURL(/\/classes$/);
  await tPage.getByTestId("new-class-open").click();
  const form = tPage.getByRole("form", { name: "New class" });
  await expect(form.getByLabel("Name", { exact: true })).toBeFocused();
  await form.getByLabel("Name", { exact: true }).fill(names.className);
  const templateSelect = form.getByLabel("Template");
  const templateValue = await templateSelect.locator("option", { hasText: names.template }).getAttribute("value");
  expect(templateValue, "the container template is offered").toBeTruthy();
  await templateSelect.selectOption(templateValue!);
  await form.getByLabel("Hours per student per month").fill("5");
  await form.getByLabel("Pre-provisioned machines").fill("0");
  await form.getByTestId("new-class-submit").click();
  const created = tPage.getByTestId("new-class-created");
  await expect(created).toContainText(names.className);
  await expect(created.getByTestId("job-progress")).toHaveAttribute("data-status", "SUCCEEDED", { timeout: 120_000 });
  await expect(tPage.getByTestId(`class-row-${names.className}`)).toBeVisible();
  await created.getByTestId("new-class-link").click();
  await expect(tPage.getByRole("heading", { name: names.className })).toBeVisible();
  await expect(tPage.getByTestId("teacher-machine-state")).toHaveText("Stopped", { timeout: 60_000 });

  // --- an invite link, shown once and copied ---
  await tPage.getByRole("tab", { name: "Invites" }).click();
  await tPage.getByLabel("Label (optional)").fill("e2e group");
  await tPage.getByTestId("invite-create").click();
  const inviteUrl = (await tPage.getByTestId("invite-url").textContent())?.trim() ?? "";
  expect(inviteUrl).toMatch(/\/join\/lpi_[A-Za-z0-9_-]{20,}$/);
  await tPage.getByTestId("invite-created").getByRole("button", { name: "Copy link" }).click();
  await expect(tPage.getByTestId("invite-created").getByRole("button", { name: "Copied" })).toBeVisible();
  expect(await tPage.evaluate(() => navigator.clipboard.readText())).toBe(inviteUrl);
  await expect(tPage.getByTestId("invites-list").getByTestId("invite-status")).toHaveText("Active");
  const joinPath = new URL(inviteUrl).pathname;

  // --- student 1: a new person creates an account through the link, lands on My labs, starts the machine ---
  const s1 = await newPage(browser);
  await s1.goto(joinPath);
  await expect(s1.getByTestId("join-class-name")).toHaveText(names.className);
  await expect(s1.getByText(`Teacher: ${teacher.name}`)).toBeVisible();
  await s1.getByTestId("join-signup-open").click();
  const signup = s1.getByRole("form", { name: "Create an account" });
  await signup.getByLabel("Your name").fill(student1.name);
  await signup.getByLabel("E-mail address").fill(student1.email);
  await signup.getByLabel("Password").fill(PASSWORD);
  await signup.getByTestId("signup-submit").click();
  await expect(s1).toHaveURL(/\/labs$/, { timeout: 30_000 });
  await expect(s1.getByRole("heading", { name: "My labs" })).toBeVisible();
  const card1 = s1.locator('[data-testid^="lab-card-"]');
  await expect(card1).toHaveCount(1);
  await expect(card1).toContainText(`Class: ${names.className}`);
  await expect(card1.getByTestId("lab-state")).toHaveText("Stopped", { timeout: 120_000 });
  // the state arrives over the live channel: the document is never reloaded
  await s1.evaluate(() => {
    (window as unknown as { __e2eSamePage?: boolean }).__e2eSamePage = true;
  });
  await card1.getByTestId("lab-start").click();
  await expect(card1.getByTestId("lab-state")).toHaveText("Running", { timeout: 60_000 });
  expect(await s1.evaluate(() => (window as unknown as { __e2eSamePage?: boolean }).__e2eSamePage)).toBe(true);
  await expect(card1.getByTestId("lab-connect-exec")).toBeEnabled();
  await expect(card1.getByTestId("lab-action-error")).toHaveCount(0);

  // the teacher's roster follows
  await tPage.getByRole("tab", { name: "Roster" }).click();
  const row1 = tPage.getByTestId(`roster-row-${student1.email}`);
  await expect(row1.getByTestId("roster-state")).toHaveText("Running", { timeout: 30_000 });

  // --- student 2: signs in through the link, joins, and the quota refuses the start with its reason ---
  const s2 = await newPage(browser);
  await s2.goto(joinPath);
  await expect(s2.getByTestId("join-class-name")).toHaveText(names.className);
  await s2.getByTestId("join-sign-in").click();
  await expect(s2).toHaveURL(/\/login\?next=/);
  await s2.getByLabel("Email").fill(student2.email);
  await s2.getByLabel("Password").fill(PASSWORD);
  await s2.getByRole("button", { name: "Sign in" }).click();
  await expect(s2).toHaveURL(new RegExp(`${joinPath}$`));
  // an account the admin made must choose its own password first: the join page says so and leads through it,
  // and signing in again comes back to the invite
  await s2.getByTestId("join-submit").click();
  await expect(s2.getByTestId("join-error")).toContainText("Choose your own password first");
  await s2.getByTestId("join-choose-password").click();
  await expect(s2).toHaveURL(/\/profile\?next=/);
  const ownPassword = `${PASSWORD}-own`;
  await s2.getByLabel("Current password").fill(PASSWORD);
  await s2.getByLabel("New password", { exact: true }).fill(ownPassword);
  await s2.getByLabel("Confirm new password").fill(ownPassword);
  await s2.getByTestId("change-password-submit").click();
  await expect(s2).toHaveURL(/\/login\?changed=1/, { timeout: 15_000 });
  await s2.getByLabel("Email").fill(student2.email);
  await s2.getByLabel("Password").fill(ownPassword);
  await s2.getByRole("button", { name: "Sign in" }).click();
  await expect(s2).toHaveURL(new RegExp(`${joinPath}$`));
  await s2.getByTestId("join-submit").click();
  await expect(s2).toHaveURL(/\/labs$/, { timeout: 120_000 });
  const card2 = s2.locator('[data-testid^="lab-card-"]');
  await expect(card2).toHaveCount(1);
  await expect(card2.getByTestId("lab-state")).toHaveText("Stopped", { timeout: 120_000 });
  await card2.getByTestId("lab-start").click();
  const refusal = card2.getByTestId("lab-action-error");
  await expect(refusal).toContainText("Running machines: 0 of 0 in use");
  await expect(card2.getByTestId("lab-state")).toHaveText("Stopped");

  // phone-sized screens: My labs and the roster fit without sideways scrolling
  for (const p of [s2, tPage]) {
    await p.setViewportSize({ width: 390, height: 844 });
    await p.reload();
    await expect(p.getByRole("heading", { level: 1 })).toBeVisible();
    await expect(p.locator('[data-testid^="lab-card-"], [data-testid="roster-table"]').first()).toBeVisible();
    expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  }
});
