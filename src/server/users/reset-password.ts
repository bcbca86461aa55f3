// An admin resets a user's password. A typed password is used as given, otherwise one is generated and returned
// once. Either way the user must choose their own at next sign-in, and their current sessions end, their API
// tokens are revoked and their open consoles closed (end-credentials.ts).
import { recordAudit } from "@/server/audit/record";
import type { Ctx } from "@/server/auth/ctx";
import { generatePassword, hashPassword } from "@/server/auth/passwords";
import { db } from "@/server/db/client";
import { notFound } from "@/server/http/app-error";
import { endCredentials } from "./end-credentials";
import type { TResetPassword } from "./routes";

export async function resetPassword(
  ctx: Ctx,
  id: string,
  input: TResetPassword,
): Promise<{ temporaryPassword?: string }> {
  const user = await db().user.findUnique({ where: { id }, select: { id: true, email: true } });
  if (!user) throw notFound("User");
  const temporaryPassword = input.password ? undefined : generatePassword();
  const passwordHash = await hashPassword(input.password ?? temporaryPassword!);
  await db().user.update({
    where: { id },
    data: { passwordHash, mustChangePassword: true, sessionVersion: { increment: 1 } },
  });
  const ended = await endCredentials(user.id, "An administrator reset your password. Sign in again.");
  await recordAudit({
    ...ctx,
    action: "user.password.reset",
    target: { type: "user", id: user.id, name: user.email },
    details: { generated: !input.password, ...ended },
  });
  return temporaryPassword ? { temporaryPassword } : {};
}
