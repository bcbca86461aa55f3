// API tokens in the browser: create one on the profile's token page (shown once, with copy), use it from outside
// the browser, see its last use, revoke it with a confirmation; the admin tokens page lists it with its owner.
import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import { admin, signIn } from "./fixtures";

const run = randomBytes(3).toString("hex");

test("a person creates, uses and revokes an API token; the admin page lists it", async ({
  page,
  playwright,
  baseURL,
}) => {
  await signIn(page, admin().email, admin().password);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Profile" }).click();
  await page.getByTestId("profile-tokens-link").click();
  await expect(page).toHaveURL(/\/profile\/tokens$/);
  await expect(page.getByRole("heading", { name: "API tokens", level: 1 })).toBeVisible();

  // errors show where the person acted: an empty name under the field, no scope under the scopes
  const form = page.getByTestId("new-token-form");
  await page.getByTestId("scope-read").uncheck();
  await form.getByRole("button", { name: "Create token" }).click();
  await expect(page.getByTestId("token-name-error")).toBeVisible();
  await expect(page.getByTestId("token-scopes-error")).toBeVisible();

  const name = `deploy script ${run}`;
  await form.getByLabel("Name").fill(name);
  await page.getByTestId("scope-read").check();
  await page.getByTestId("scope-write").check();
  await expect(page.getByTestId("scope-admin")).toBeVisible(); // an administrator may choose admin
  await form.getByLabel("Expires after").selectOption("30");
  await form.getByRole("button", { name: "Create token" }).click();

  const shown = page.getByTestId("token-created");
  await expect(shown).toBeVisible();
  await expect(shown).toContainText("shown only this once");
  await expect(shown.getByRole("button", { name: "Copy token" })).toBeVisible();
  const token = (await page.getByTestId("new-token-value").textContent())!.trim();
  expect(token).toMatch(/^lpt_/);

  const row = page.getByTestId(`token-row-${name}`);
  await expect(row).toContainText(token.slice(0, 12));
  await expect(row).toContainText("read");
  await expect(row).toContainText("write");
  await expect(row).toContainText("Never used");
  await expect(row).not.toContainText(token);
  await shown.getByRole("button", { name: "I have copied it" }).click();
  await expect(shown).toHaveCount(0);

  // use it from a client without the browser's cookies
  const client = await playwright.request.newContext({
    baseURL,
    extraHTTPHeaders: { authorization: `Bearer ${token}` },
  });
  expect((await client.get("/api/machines")).status()).toBe(200);
  await expect
    .poll(
      async () => {
        await page.reload();
        return page.getByTestId(`token-row-${name}`).textContent();
      },
      { timeout: 15_000 },
    )
    .toContain("from ");

  // the admin page lists it with its owner
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "API tokens" }).click();
  await expect(page).toHaveURL(/\/admin\/tokens$/);
  await page.getByRole("searchbox").fill(token.slice(0, 12));
  const table = page.getByTestId("admin-tokens-table");
  await expect(table).toContainText(name);
  await expect(table).toContainText(admin().email);

  // revoke from the profile page, after a confirmation
  await page.goto("/profile/tokens");
  await page
    .getByTestId(`token-row-${name}`)
    .getByRole("button", { name: `Revoke ${name}` })
    .click();
  const dialog = page.getByTestId("revoke-token-dialog");
  await expect(dialog).toContainText("stops working at once");
  await dialog.getByRole("button", { name: "Revoke token" }).click();
  await expect(page.getByTestId("tokens-note")).toContainText("no longer works");
  await expect(page.getByTestId("tokens-table").getByText(name)).toHaveCount(0);
  expect((await client.get("/api/machines")).status()).toBe(401);

  // the admin page's revoked filter shows it
  await page.goto("/admin/tokens");
  await page.getByTestId("token-status-filter").selectOption("revoked");
  await page.getByRole("searchbox").fill(token.slice(0, 12));
  await expect(page.getByTestId("admin-tokens-table")).toContainText("Revoked");
  await client.dispose();
});
