// Email + password sign-in with throttling. Every failure answers with the same words whether or not the account
// exists, and spends the same time, so the form cannot be used to find out who has an account.
// Each attempt claims its slots in the address and account counters before the password is verified
// (throttle.ts), so parallel guesses cannot get more tries than the limit. The account counter an attempt uses
// depends on where it comes from: an address that signed in to this account before has its own, every other
// address shares the account's (known-addresses.ts), so a stranger's guessing cannot lock the owner out.
import { env } from "@/env";
import { recordAudit } from "@/server/audit/record";
import { db } from "@/server/db/client";
import { isKnownAddress, rememberAddress } from "./known-addresses";
import { burnPasswordCheck, verifyPassword } from "./passwords";
import { claimAttempt, clearFailures, releaseAttempt } from "./throttle";

export const SIGN_IN_FAILED = "Invalid email or password.";

export class SignInError extends Error {}

export type SignedInUser = { id: string; email: string; name: string; role: string; sessionVersion: number };

export async function signInWithPassword(input: {
  email: string;
  password: string;
  ip: string | null;
}): Promise<SignedInUser> {
  const email = input.email.trim().toLowerCase();
  const { LOGIN_MAX_FAILURES_ACCOUNT, LOGIN_MAX_FAILURES_IP, LOGIN_LOCK_MAX_SECONDS } = env();
  const user = email ? await db().user.findUnique({ where: { email } }) : null;
  const known = await isKnownAddress(user?.id ?? null, input.ip);
  const accountKey = known ? `known:${known}` : `acct:${email}`;
  const ipKey = input.ip ? `ip:${input.ip}` : null;

  const throttled = async (wait: number) => {
    await recordAudit({
      actorEmail: email,
      action: "auth.login.throttled",
      ip: input.ip,
      details: { retryAfterSeconds: wait, knownAddress: Boolean(known) },
    });
    return new SignInError(`Too many sign-in attempts. Try again in ${wait} seconds.`);
  };
  if (ipKey) {
    const wait = await claimAttempt(ipKey, LOGIN_MAX_FAILURES_IP, LOGIN_LOCK_MAX_SECONDS);
    if (wait > 0) throw await throttled(wait);
  }
  const wait = await claimAttempt(accountKey, LOGIN_MAX_FAILURES_ACCOUNT, LOGIN_LOCK_MAX_SECONDS);
  if (wait > 0) {
    if (ipKey) await releaseAttempt(ipKey, LOGIN_MAX_FAILURES_IP);
    throw await throttled(wait);
  }

  let valid = false;
  if (user && input.password) valid = await verifyPassword(user.passwordHash, input.password);
  else await burnPasswordCheck(input.password);

  if (!user || !valid || user.disabledAt) {
    // the attempt was counted when its slots were claimed
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
  if (ipKey) await releaseAttempt(ipKey, LOGIN_MAX_FAILURES_IP);
  await rememberAddress(user.id, input.ip);
  await db().user.update({ where: { id: user.id }, data: { lastLoginAt: new Date() } });
  await recordAudit({
    actor: user,
    action: "auth.login",
    target: { type: "user", id: user.id, name: user.email },
    ip: input.ip,
  });
  return { id: user.id, email: user.email, name: user.name, role: user.role, sessionVersion: user.sessionVersion };
}
