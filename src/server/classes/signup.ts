// Self-signup through an invite link: a new student account (made by users/create-user.ts, the one way accounts
// are made), then the join.
import type { Ctx } from "@/server/auth/ctx";
import { db } from "@/server/db/client";
import { AppError } from "@/server/http/app-error";
import { getSetting } from "@/server/settings/settings";
import { insertAccount } from "@/server/users/create-user";
import { emailAllowed, findInvite, inviteRefusal, inviteStatus } from "./invites";
import { joinClass } from "./join";

/**
 * A new person creates a student account through an invite link (when the admin allows it), then joins. The answer
 * is the same whether or not the address already has an account (so an invite holder cannot learn who has one): for
 * an existing address nothing is created or changed, the same password hash is computed (same time), and the page
 * then signs in with the password given — which works only for the account's owner.
 */
export async function signupAndJoin(
  ctx: Pick<Ctx, "ip">,
  code: string,
  input: { name: string; email: string; password: string },
) {
  // an unknown link is a 404 before "signup is off"
  const invite = await findInvite(code);
  if (!(await getSetting("selfSignup"))) throw new AppError("SIGNUP_DISABLED");
  const refusal = inviteRefusal(inviteStatus(invite));
  if (refusal) throw refusal;
  if (!emailAllowed(invite.allowed, input.email))
    throw new AppError("INVITE_NOT_ALLOWED", `This invite link is not for ${input.email}.`, {
      fields: { email: "This invite link is for other addresses." },
    });
  const answer = { email: input.email, classId: invite.classId };
  const user = await insertAccount(
    { email: input.email, name: input.name, role: "STUDENT", password: input.password, mustChangePassword: false },
    (u) => ({
      actor: { id: u.id, email: u.email },
      action: "user.signup",
      target: { type: "user", id: u.id, name: u.name },
      ip: ctx.ip,
      details: { inviteId: invite.id },
    }),
  );
  // an address that has an account (or was taken at the same moment): nothing is created or changed
  if (!user) return answer;
  try {
    await joinClass({ actor: { id: user.id, email: user.email, name: user.name, role: "STUDENT" }, ip: ctx.ip }, code);
  } catch (error) {
    // nothing half-created: the account goes when it could not join
    await db()
      .user.delete({ where: { id: user.id } })
      .catch(() => undefined);
    throw error;
  }
  return answer;
}
