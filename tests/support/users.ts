// Creates users straight in the test database (fast, no UI), for tests that need a teacher or student.
import { randomBytes } from "node:crypto";
import { inject } from "vitest";
import { hashPassword } from "../../src/server/auth/passwords";
import { createDb, type Db } from "../../src/server/db/client";
import { PortalClient } from "./client";

let dbInstance: Db | undefined;
export function testDb(): Db {
  dbInstance ??= createDb(inject("databaseUrl"));
  return dbInstance;
}

export function uniqueEmail(prefix = "user"): string {
  return `${prefix}-${randomBytes(5).toString("hex")}@test.local`;
}

export async function createUser(
  role: "ADMIN" | "TEACHER" | "STUDENT",
  overrides: { email?: string; password?: string; name?: string } = {},
) {
  const email = overrides.email ?? uniqueEmail(role.toLowerCase());
  const password = overrides.password ?? "correct-horse-battery";
  const name = overrides.name ?? `${role[0]}${role.slice(1).toLowerCase()} ${email.slice(0, 8)}`;
  const user = await testDb().user.create({
    data: {
      email,
      name,
      role,
      searchText: `${email} ${name}`.toLowerCase(),
      passwordHash: await hashPassword(password),
    },
  });
  return { ...user, password };
}

/** A signed-in client for a fresh user of `role`. */
export async function signedIn(role: "ADMIN" | "TEACHER" | "STUDENT") {
  const user = await createUser(role);
  const client = new PortalClient(inject("portalUrl"));
  const error = await client.signIn(user.email, user.password);
  if (error) throw new Error(`sign-in failed for ${user.email}: ${error}`);
  return { user, client };
}

export async function signedInAdmin() {
  const admin = inject("admin");
  const client = new PortalClient(inject("portalUrl"));
  const error = await client.signIn(admin.email, admin.password);
  if (error) throw new Error(`admin sign-in failed: ${error}`);
  return client;
}
