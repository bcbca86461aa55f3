// After a password change or an admin's reset, nothing the old password could have handed out stays alive: the
// user's API tokens are revoked, their open consoles closed, and the addresses they signed in from are strangers
// to the sign-in lock again (an intruder's among them). Sessions end through sessionVersion + 1 (the caller's).
import { forgetAddresses } from "@/server/auth/known-addresses";
import { kickSessions } from "@/server/console/sessions";
import { db } from "@/server/db/client";

export async function endCredentials(
  userId: string,
  reason: string,
): Promise<{ tokensRevoked: number; consolesClosed: number }> {
  const revoked = await db().apiToken.updateMany({
    where: { userId, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  const consolesClosed = await kickSessions({ userId }, reason, 4401);
  await forgetAddresses(userId);
  return { tokensRevoked: revoked.count, consolesClosed };
}
