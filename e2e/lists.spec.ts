import { expect, test } from "@playwright/test";
import { admin, signIn } from "./fixtures";

// Every list page loads its list with the shared paging and request hooks, shows no error, and its search
// narrows the list.
test("the admin's list pages load, page and search without errors", async ({ page }) => {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  // the Content-Security-Policy (next.config.mjs) must block nothing the pages use
  const cspViolations: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
  });
  await signIn(page, admin().email, admin().password);
  const problem = page.getByRole("alert").filter({ hasText: /Could not|went wrong|not valid/ });

  for (const path of [
    "/machines",
    "/templates",
    "/classes",
    "/requests",
    "/admin/hosts",
    "/admin/tokens",
    "/admin/consoles",
    "/admin/audit",
    "/admin/vpn",
    "/vpn",
  ]) {
    await page.goto(path);
    await expect(page.getByRole("heading", { level: 1 }), path).toBeVisible();
    await page.waitForLoadState("networkidle");
    await expect(problem, path).toHaveCount(0);
  }

  await page.goto("/admin/users");
  await expect(page.getByRole("navigation", { name: "Pages" })).toContainText(/Page 1 of \d+/);
  await page.getByTestId("user-search").fill(admin().email);
  await expect(page.getByTestId(`user-row-${admin().email}`)).toBeVisible();
  await page.getByTestId("user-search").fill("nobody-matches-this-xyz");
  await expect(page.getByTestId(`user-row-${admin().email}`)).toHaveCount(0);

  await page.goto("/admin/quotas");
  await expect(page.getByTestId(`quota-row-${admin().email}`)).toBeVisible();
  await page.getByRole("searchbox", { name: "Search" }).fill("nobody-matches-this-xyz");
  await expect(page.getByTestId(`quota-row-${admin().email}`)).toHaveCount(0);
  await expect(problem).toHaveCount(0);
  expect(errors).toEqual([]);
  expect(cspViolations).toEqual([]);
});
