import { expect, type Page } from "@playwright/test";

export const admin = () => ({ email: process.env.E2E_ADMIN_EMAIL!, password: process.env.E2E_ADMIN_PASSWORD! });

export async function signIn(page: Page, email: string, password: string) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  // admins and teachers land on the dashboard, students on My labs; an account an admin created must choose its
  // own password first (the profile page). Specs that are not about that skip it straight in the database.
  await expect(page).toHaveURL(/\/(dashboard|labs|profile)/);
  if (/\/profile$/.test(new URL(page.url()).pathname)) {
    const { createDb } = await import("../src/server/db/client");
    const db = createDb(process.env.E2E_DATABASE_URL);
    try {
      await db.user.update({ where: { email: email.trim().toLowerCase() }, data: { mustChangePassword: false } });
    } finally {
      await db.$disconnect();
    }
    await page.goto("/");
  }
  await expect(page).toHaveURL(/\/(dashboard|labs)/);
}

export async function signOut(page: Page) {
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
}
