// Accounts are made in one place: an admin creates one (without a password, a temporary one is generated, returned
// once, and the user must choose their own at first sign-in), and a student signs up through an invite link
// (classes/signup.ts) through the same insertAccount.
import { type AuditInput, recordAudit } from "@/server/audit/record";
import type { Ctx } from "@/server/auth/ctx";
import { generatePassword, hashPassword } from "@/server/auth/passwords";
import { db } from "@/server/db/client";
import { isUniqueViolation } from "@/server/db/errors";
import { conflict } from "@/server/http/app-error";
import type { TCreatedUser, TCreateUser, TUserRow } from "./routes";
import { searchTextOf } from "./search-text";
import { toUserRow, userRowSelect } from "./user-row";

export const emailTaken = (email: string) =>
  conflict(`An account with the email ${email} already exists.`, {
    email: "An account with this email already exists.",
  });

type NewAccount = {
  email: string;
  name: string;
  role: TUserRow["role"];
  password: string;
  mustChangePassword: boolean;
};
type Made = Parameters<typeof toUserRow>[0];

/**
 * The one way an account is made: the address trimmed and lower-cased, the password hashed (argon2id) before the
 * address is looked up, so a taken address answers in the same time, the search text, and one audit line, which
 * `audit` words (who made it: an admin, or the new account itself). Null when the address has an account already
 * (also when it was taken between the check and the insert).
 */
export async function insertAccount(account: NewAccount, audit: (user: Made) => AuditInput): Promise<Made | null> {
  const email = account.email.trim().toLowerCase();
  const passwordHash = await hashPassword(account.password);
  if (await db().user.findUnique({ where: { email }, select: { id: true } })) return null;
  let user: Made;
  try {
    user = await db().user.create({
      data: {
        email,
        name: account.name,
        searchText: searchTextOf(email, account.name),
        role: account.role,
        passwordHash,
        mustChangePassword: account.mustChangePassword,
      },
      select: userRowSelect,
    });
  } catch (error) {
    if (isUniqueViolation(error)) return null;
    throw error;
  }
  await recordAudit(audit(user));
  return user;
}

export async function createUser(ctx: Ctx, input: TCreateUser): Promise<TCreatedUser> {
  const { actor, ip } = ctx;
  const temporaryPassword = input.password ? undefined : generatePassword();
  const user = await insertAccount(
    { ...input, password: input.password ?? (temporaryPassword as string), mustChangePassword: true },
    (u) => ({
      actor,
      action: "user.create",
      target: { type: "user", id: u.id, name: u.email },
      ip,
      details: { role: input.role, name: input.name, passwordGenerated: !input.password },
    }),
  );
  if (!user) throw emailTaken(input.email.trim().toLowerCase());
  return { ...toUserRow(user), ...(temporaryPassword ? { temporaryPassword } : {}) };
}
