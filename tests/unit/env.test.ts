import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "../../src/env";

describe("environment", () => {
  it("has working defaults: SQLite under data/, port 3000", () => {
    const env = parseEnv({});
    expect(env.DATABASE_URL).toBe("file:./data/lab-portal.db");
    expect(env.PORT).toBe(3000);
    expect(env.TRUST_PROXY).toBe(false);
  });

  it("treats empty strings as unset", () => {
    expect(parseEnv({ PORT: "", DATABASE_URL: " " }).PORT).toBe(3000);
  });

  it("accepts PostgreSQL URLs and booleans written as 1/yes", () => {
    const env = parseEnv({ DATABASE_URL: "postgresql://u:p@127.0.0.1:5432/db", TRUST_PROXY: "yes" });
    expect(env.DATABASE_URL).toMatch(/^postgresql:/);
    expect(env.TRUST_PROXY).toBe(true);
  });

  it("reports every bad variable with its value and a reason", () => {
    try {
      parseEnv({ PORT: "70000", TRUST_PROXY: "maybe", ADMIN_EMAIL: "root" });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(EnvError);
      const message = (error as Error).message;
      expect(message).toContain('✗ PORT (= "70000")');
      expect(message).toContain('✗ TRUST_PROXY (= "maybe"): must be true or false');
      expect(message).toContain('✗ ADMIN_EMAIL (= "root"): must be an email address');
    }
  });
});
