import { expect, test } from "@playwright/test";
import { admin, signIn, signOut } from "./fixtures";

test("a wrong password shows a generic error next to the form", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("Email").fill(admin().email);
  await page.getByLabel("Password").fill("definitely-wrong");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: /password/ })).toHaveText("Invalid email or password.");
  await expect(page).toHaveURL(/\/login/);
});

test("pages need a session and send people to sign in", async ({ page }) => {
  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/login\?next=%2Fdashboard/);
});

test("the admin signs in, sees the admin dashboard and signs out", async ({ page }) => {
  await signIn(page, admin().email, admin().password);
  await expect(page.getByRole("heading", { name: /Welcome/ })).toBeVisible();
  await expect(page.getByTestId("count-admins")).toHaveText(/\d+/);
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Users" })).toBeVisible();
  await signOut(page);
  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/login/);
});
