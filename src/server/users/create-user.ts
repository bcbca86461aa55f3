// An admin creates one account. Without a password, a temporary one is generated, returned once, and the user
// must choose their own at first sign-in.
import { recordAudit } from "@/server/audit/record";
import type { Actor } from "@/server/auth/actor";
import { generatePassword, hashPassword } from "@/server/auth/passwords";
import { db } from "@/server/db/client";
import { isUniqueViolation } from "@/server/db/errors";
import { conflict } from "@/server/http/app-error";
import type { TCreatedUser, TCreateUser } from "./routes";
import { searchTextOf } from "./search-text";
import { toUserRow, userRowSelect } from "./user-row";

export const emailTaken = (email: string) =>
  conflict(`An account with the email ${email} already exists.`, {
    email: "An account with this email already exists.",
  });

export async function createUser(actor: Actor, input: TCreateUser, ip: string | null): Promise<TCreatedUser> {
  const email = input.email.trim().toLowerCase();
  if (await db().user.findUnique({ where: { email }, select: { id: true } })) throw emailTaken(email);
  const temporaryPassword = input.password ? undefined : generatePassword();
  const password = input.password ?? temporaryPassword!;
  let user: Parameters<typeof toUserRow>[0];
  try {
    user = await db().user.create({
      data: {
        email,
        name: input.name,
        searchText: searchTextOf(email, input.name),
        role: input.role,
        passwordHash: await hashPassword(password),
        mustChangePassword: true,
      },
      select: userRowSelect,
    });
  } catch (error) {
    // Someone created the same email between the check and the insert.
    if (isUniqueViolation(error)) throw emailTaken(email);
    throw error;
  }
  await recordAudit({
    actor,
    action: "user.create",
    target: { type: "user", id: user.id, name: email },
    ip,
    details: { role: input.role, name: input.name, passwordGenerated: !input.password },
  });
  return { ...toUserRow(user), ...(temporaryPassword ? { temporaryPassword } : {}) };
}
