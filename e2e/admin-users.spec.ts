// The foundation's "done when": the seeded admin creates a teacher and a student, imports 20 students from CSV,
// sees the audit trail of all that; the student signs in, must choose their own password, and then sees the
// student dashboard.
import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import { admin, signIn, signOut } from "./fixtures";

const run = randomBytes(3).toString("hex");

test("admin manages users end to end and a student reaches the student dashboard", async ({ page }) => {
  await signIn(page, admin().email, admin().password);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Users" }).click();
  await expect(page).toHaveURL(/\/admin\/users/);
  await expect(page.getByTestId("users-table")).toBeVisible();

  const created: Record<string, string> = {};
  for (const role of ["TEACHER", "STUDENT"] as const) {
    const email = `${role.toLowerCase()}-${run}@school.test`;
    await page.getByRole("button", { name: /new user/i }).click();
    const form = page.getByRole("form", { name: /new user/i });
    await form.getByLabel(/^email/i).fill(email);
    await form.getByLabel(/^name/i).fill(`${role === "TEACHER" ? "Tina Teacher" : "Sam Student"} ${run}`);
    await form.getByLabel(/^role/i).selectOption(role);
    await form.getByRole("button", { name: /create/i }).click();
    const temp = page.getByTestId("temporary-password");
    await expect(temp).toBeVisible();
    created[role] = (await temp.textContent())!.trim();
    expect(created[role]).toMatch(/^\S{10,}$/);
    await page
      .getByRole("button", { name: /done|close/i })
      .first()
      .click();
    await page.getByRole("searchbox").fill(email);
    await expect(page.getByTestId(`user-row-${email}`)).toBeVisible();
  }

  const csv = [
    "email,name",
    ...Array.from({ length: 20 }, (_, i) => `pupil${i + 1}-${run}@school.test,Pupil ${i + 1}`),
  ].join("\n");
  await page
    .getByRole("button", { name: /import/i })
    .first()
    .click();
  await page.getByLabel(/csv/i).first().fill(csv);
  await page
    .getByRole("button", { name: /^import/i })
    .last()
    .click();
  const results = page.getByTestId("import-results");
  await expect(results).toContainText("20");
  await expect(results.getByText("created", { exact: false }).first()).toBeVisible();

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Audit log" }).click();
  await expect(page.getByTestId("audit-table")).toBeVisible();
  await expect(page.getByTestId("audit-table")).toContainText("user.create");
  await expect(page.getByTestId("audit-table")).toContainText("user.import");
  await signOut(page);

  // the student signs in with the temporary password and must choose their own first (the API refuses the rest)
  const studentEmail = `student-${run}@school.test`;
  await page.goto("/login");
  await page.getByLabel("Email").fill(studentEmail);
  await page.getByLabel("Password").fill(created.STUDENT!);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/profile$/);
  await page.goto("/labs");
  await expect(page).toHaveURL(/\/profile$/);
  const own = `own-password-${run}`;
  await page.getByLabel("Current password").fill(created.STUDENT!);
  await page.getByLabel("New password", { exact: true }).fill(own);
  await page.getByLabel("Confirm new password").fill(own);
  await page.getByTestId("change-password-submit").click();
  await expect(page).toHaveURL(/\/login/, { timeout: 15_000 });
  // with their own password they land on the student dashboard
  await signIn(page, studentEmail, own);
  await expect(page.getByRole("heading", { name: "My labs" })).toBeVisible();
  await expect(page.getByText("No lab machines yet")).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Users" })).toHaveCount(0);
});
