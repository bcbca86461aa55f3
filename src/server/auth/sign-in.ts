// Email + password sign-in with throttling. Every failure answers with the same words whether or not the account
// exists, and spends the same time, so the form cannot be used to find out who has an account.
import { env } from "@/env";
import { recordAudit } from "@/server/audit/record";
import { db } from "@/server/db/client";
import { burnPasswordCheck, verifyPassword } from "./passwords";
import { clearFailures, lockedFor, recordFailure } from "./throttle";

export const SIGN_IN_FAILED = "Invalid email or password.";

export class SignInError extends Error {}

export type SignedInUser = { id: string; email: string; name: string; role: string; sessionVersion: number };

export async function signInWithPassword(input: { email: string; password: string; ip: string | null }): Promise<SignedInUser> {
  const email = input.email.trim().toLowerCase();
  const { LOGIN_MAX_FAILURES_ACCOUNT, LOGIN_MAX_FAILURES_IP, LOGIN_LOCK_MAX_SECONDS } = env();
  const accountKey = `acct:${email}`;
  const ipKey = input.ip ? `ip:${input.ip}` : null;
  const keys = ipKey ? [accountKey, ipKey] : [accountKey];

  const wait = await lockedFor(keys);
  if (wait > 0) {
    await recordAudit({ actorEmail: email, action: "auth.login.throttled", ip: input.ip, details: { retryAfterSeconds: wait } });
    throw new SignInError(`Too many sign-in attempts. Try again in ${wait} seconds.`);
  }

  const user = email && input.password ? await db().user.findUnique({ where: { email } }) : null;
  let valid = false;
  if (user) valid = await verifyPassword(user.passwordHash, input.password);
  else await burnPasswordCheck(input.password);

  if (!user || !valid || user.disabledAt) {
    await recordFailure(accountKey, LOGIN_MAX_FAILURES_ACCOUNT, LOGIN_LOCK_MAX_SECONDS);
    if (ipKey) await recordFailure(ipKey, LOGIN_MAX_FAILURES_IP, LOGIN_LOCK_MAX_SECONDS);
    await recordAudit({
      actor: user ? { id: user.id, email: user.email } : null,
      actorEmail: email,
      action: "auth.login.failed",
      ip: input.ip,
      details: { reason: !user ? "unknown-account" : user.disabledAt && valid ? "disabled" : "bad-password" },
    });
    throw new SignInError(SIGN_IN_FAILED);
  }

  await clearFailures(accountKey);
  await db().user.update({ where: { id: user.id }, data: { lastLoginAt: new Date() } });
  await recordAudit({ actor: user, action: "auth.login", target: { type: "user", id: user.id, name: user.email }, ip: input.ip });
  return { id: user.id, email: user.email, name: user.name, role: user.role, sessionVersion: user.sessionVersion };
}
