// Starts one real portal (production build, fresh SQLite database) for the e2e run.
import { startPortal, TEST_ADMIN } from "../tests/support/portal-process";

export default async function globalSetup() {
  const portal = await startPortal({ env: { LOGIN_MAX_FAILURES_IP: "100000" } });
  process.env.E2E_BASE_URL = portal.url;
  process.env.E2E_DATABASE_URL = portal.databaseUrl;
  process.env.E2E_ADMIN_EMAIL = TEST_ADMIN.email;
  process.env.E2E_ADMIN_PASSWORD = TEST_ADMIN.password;
  return async () => {
    await portal.stop();
  };
}
