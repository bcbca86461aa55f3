// The jobs page in a real browser against the real dockerd: a class whose template image is gone from the host
// fails to deploy for real; the classes list says "Needs attention" (never "Ready"), the class page links to the
// job, the job page shows each item with its error, the jobs list shows the job, and after the image is back
// "Retry failed items" finishes it (pushed live). Clean-up through the API, also when a step fails.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import { admin, signIn } from "./fixtures";
import { cleanUp, DOCKER_IMAGE, deleteClasses, ok } from "./lab";

const run = randomBytes(3).toString("hex");
const tag = `lp-e2e-jobs-${run}:1`;
const docker = (...args: string[]) => execFileSync("docker", args, { stdio: ["ignore", "pipe", "pipe"] });

test.beforeEach(({ browserName: _ }, info) => {
  test.skip(info.project.name !== "desktop", "desktop only");
});

test.afterEach(async ({ page }) => {
  await deleteClasses(page, run);
  await cleanUp(page, run);
  try {
    docker("rmi", tag);
  } catch {
    // already gone
  }
});

test("a failed class deploy: needs attention, a link to the job, its items and errors, retry", async ({ page }) => {
  test.setTimeout(300_000);
  await signIn(page, admin().email, admin().password);
  await ok(
    await page.request.post("/api/admin/hosts", {
      data: {
        name: `e2e-jobs-docker-${run}`,
        kind: "DOCKER",
        uri: "unix:///var/run/docker.sock",
        vcpus: 8,
        memoryMb: 8192,
        diskGb: 100,
        maxMachines: 20,
      },
      timeout: 60_000,
    }),
    "create the Docker host",
  );
  docker("tag", DOCKER_IMAGE, tag);
  const template = await ok<{ id: string }>(
    await page.request.post("/api/templates", {
      data: {
        name: `e2e-jobs-tpl-${run}`,
        kind: "DOCKER",
        dockerImage: tag,
        consoleKinds: ["exec"],
        shell: "/bin/bash",
        memoryMb: 128,
      },
      timeout: 60_000,
    }),
    "create the container template",
  );
  docker("rmi", tag); // the image disappears from the host: the deploy fails for real
  const className = `e2e-jobs-class-${run}`;
  const created = await ok<{ class: { id: string }; job: { id: string } }>(
    await page.request.post("/api/classes", {
      data: { name: className, templateId: template.id, poolSize: 1, isolatedNetwork: false, idleMinutes: 0 },
    }),
    "create the class",
  );
  const jobId = created.job.id;
  await expect
    .poll(async () => ((await (await page.request.get(`/api/jobs/${jobId}`)).json()) as { status: string }).status, {
      timeout: 120_000,
      intervals: [1000],
    })
    .toBe("FAILED");

  // the classes list: "Needs attention", not "Ready"
  await page.goto("/classes");
  const row = page.getByRole("row").filter({ hasText: className });
  await expect(row.getByTestId("class-status")).toHaveText("Needs attention");
  await expect(row.getByTestId("class-status")).toHaveAttribute("data-status", "ATTENTION");

  // the class page: "see the job" is a link to the job page
  await page.goto(`/classes/${created.class.id}`);
  await expect(page.getByTestId("class-attention")).toContainText("3 of 3 deploy steps failed");
  await expect(page.getByTestId("class-pool-failed")).toContainText(/1 failed, retrying at/);
  await page.getByTestId("class-job-link").first().click();
  await expect(page).toHaveURL(new RegExp(`/jobs/${jobId}$`));
  const card = page.getByTestId("job-card");
  await expect(card).toHaveAttribute("data-status", "FAILED");
  await expect(card.getByTestId("job-item")).toHaveCount(3);
  await expect(card.getByTestId("job-item-error").first()).toContainText(tag);

  // the jobs list shows it, with its items
  await page.goto("/jobs");
  const listed = page.locator(`[data-testid="job-card"][data-job-id="${jobId}"]`);
  await expect(listed).toBeVisible();
  await expect(listed.getByTestId("job-item")).toHaveCount(3);
  await expect(listed.getByTestId("job-progress")).toHaveText("3 of 3 done");

  // the fix, then Retry on the job page: the job finishes, pushed live
  docker("tag", DOCKER_IMAGE, tag);
  await page.goto(`/jobs/${jobId}`);
  await page.getByTestId("job-retry").click();
  await expect(page.getByTestId("job-card")).toHaveAttribute("data-status", "SUCCEEDED", { timeout: 120_000 });
  await expect(page.getByTestId("job-item-error")).toHaveCount(0);

  // and the class is Ready again
  await page.goto("/classes");
  await expect(page.getByRole("row").filter({ hasText: className }).getByTestId("class-status")).toHaveText("Ready");
});
