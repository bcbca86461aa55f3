// Adds up the vitest and Playwright JSON reports into one closing line: "N passed, N failed".
// A step that failed without a report (typecheck, lint, build) counts as one failure.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const [dir, ...failedSteps] = process.argv.slice(2);
let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".json")) : []) {
  const report = JSON.parse(readFileSync(join(dir, file), "utf8"));
  if ("numPassedTests" in report) {
    passed += report.numPassedTests;
    failed += report.numFailedTests;
    skipped += report.numPendingTests + (report.numTodoTests ?? 0);
  } else if (report.stats) {
    passed += report.stats.expected + (report.stats.flaky ?? 0);
    failed += report.stats.unexpected;
    skipped += report.stats.skipped;
  }
}
const reported = new Set([
  "unit tests",
  "integration tests (SQLite)",
  "integration tests (PostgreSQL)",
  "end-to-end tests (Chromium)",
]);
const unreported = failedSteps.filter((s) => !reported.has(s));
failed += unreported.length;
if (failedSteps.length) console.log(`failed steps: ${failedSteps.join(", ")}`);
if (failedSteps.length && failed === 0) failed = failedSteps.length;
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed > 0 || failedSteps.length > 0 ? 1 : 0);
