// A signed-in user changes their own password. Every session of the user ends (sessionVersion + 1), including
// the one making the request: the page then asks them to sign in again with the new password. Their API tokens
// are revoked and their open consoles closed too (end-credentials.ts).
import { recordAudit } from "@/server/audit/record";
import type { Ctx } from "@/server/auth/ctx";
import { hashPassword, verifyPassword } from "@/server/auth/passwords";
import { db } from "@/server/db/client";
import { AppError, invalid } from "@/server/http/app-error";
import { endCredentials } from "./end-credentials";
import type { TChangePassword } from "./routes";

export async function changeOwnPassword(ctx: Ctx, input: TChangePassword): Promise<void> {
  const { actor } = ctx;
  const user = await db().user.findUnique({
    where: { id: actor.id },
    select: { id: true, email: true, passwordHash: true },
  });
  if (!user) throw new AppError("UNAUTHENTICATED");
  if (!(await verifyPassword(user.passwordHash, input.currentPassword))) {
    await recordAudit({
      ...ctx,
      action: "user.password.change.failed",
      target: { type: "user", id: user.id, name: user.email },
      details: { reason: "wrong-current-password" },
    });
    throw invalid({ currentPassword: "This is not your current password." }, "The current password is not correct.");
  }
  if (input.newPassword === input.currentPassword) {
    throw invalid(
      { newPassword: "Choose a password different from your current one." },
      "The new password must differ from the current one.",
    );
  }
  await db().user.update({
    where: { id: user.id },
    data: {
      passwordHash: await hashPassword(input.newPassword),
      mustChangePassword: false,
      sessionVersion: { increment: 1 },
    },
  });
  const ended = await endCredentials(user.id, "Your password was changed. Sign in again.");
  await recordAudit({
    ...ctx,
    action: "user.password.change",
    target: { type: "user", id: user.id, name: user.email },
    details: { via: actor.via, ...ended },
  });
}
