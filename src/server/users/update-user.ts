// An admin renames a user, changes their role, or disables / enables the account. Disabling and role changes end
// the user's sessions (sessionVersion + 1). Admins cannot lock themselves out, and the last active admin stays.

import { recordAudit } from "@/server/audit/record";
import type { Ctx } from "@/server/auth/ctx";
import { kickSessions } from "@/server/console/sessions";
import { db } from "@/server/db/client";
import { AppError, invalid, notFound } from "@/server/http/app-error";
import { logger } from "@/server/log";
import type { TUpdateUser, TUserRow } from "./routes";
import { searchTextOf } from "./search-text";
import { toUserRow, userRowSelect } from "./user-row";

export async function updateUser(ctx: Ctx, id: string, input: TUpdateUser): Promise<TUserRow> {
  const { actor, ip } = ctx;
  if (id === actor.id) {
    if (input.disabled === true)
      throw invalid({ disabled: "You cannot disable your own account." }, "You cannot disable your own account.");
    if (input.role !== undefined && input.role !== "ADMIN") {
      throw invalid(
        { role: "You cannot remove your own administrator role." },
        "You cannot remove your own administrator role. Ask another administrator.",
      );
    }
  }

  const { before, after } = await db().$transaction(async (tx) => {
    const before = await tx.user.findUnique({ where: { id }, select: userRowSelect });
    if (!before) throw notFound("User");

    const disabling = input.disabled === true && before.disabledAt === null;
    const enabling = input.disabled === false && before.disabledAt !== null;
    const roleChanged = input.role !== undefined && input.role !== before.role;
    const losesAdmin =
      before.role === "ADMIN" && before.disabledAt === null && (disabling || (roleChanged && input.role !== "ADMIN"));
    if (losesAdmin) {
      const activeAdmins = await tx.user.count({ where: { role: "ADMIN", disabledAt: null } });
      if (activeAdmins <= 1) {
        throw new AppError(
          "CONFLICT",
          `${before.email} is the last active administrator and cannot be ${disabling ? "disabled" : "demoted"}. Make another user an administrator first.`,
          {
            fields: disabling
              ? { disabled: "This is the last active administrator." }
              : { role: "This is the last active administrator." },
          },
        );
      }
    }

    const name = input.name ?? before.name;
    const after = await tx.user.update({
      where: { id },
      data: {
        ...(input.name !== undefined ? { name, searchText: searchTextOf(before.email, name) } : {}),
        ...(roleChanged ? { role: input.role } : {}),
        ...(disabling ? { disabledAt: new Date() } : enabling ? { disabledAt: null } : {}),
        ...(disabling || roleChanged ? { sessionVersion: { increment: 1 } } : {}),
      },
      select: userRowSelect,
    });
    return { before, after };
  });

  const target = { type: "user", id: after.id, name: after.email };
  if (after.name !== before.name)
    await recordAudit({
      ...ctx,
      action: "user.update",
      target,
      details: { name: { from: before.name, to: after.name } },
    });
  if (after.role !== before.role)
    await recordAudit({ ...ctx, action: "user.role", target, details: { from: before.role, to: after.role } });
  // a disabled user or one whose role changed loses their open consoles at once, like their sessions
  if ((!before.disabledAt && after.disabledAt) || before.role !== after.role)
    await kickSessions({ userId: after.id }, "Your access changed. Sign in again.", 4403);
  if (!before.disabledAt && after.disabledAt) {
    await recordAudit({ ...ctx, action: "user.disable", target, details: null });
    // a disabled user's VPN certificate is revoked (CRL) and their live tunnel killed
    const vpn = await import("@/server/vpn/certificates");
    const cert = await vpn.activeCertOf(after.id);
    if (cert)
      await vpn
        .revokeCertificate(cert.id, "user disabled", { actor, ip })
        .catch((error) =>
          logger().error(
            { err: error, userId: id, certificateId: cert.id },
            "[users] could not revoke the VPN certificate",
          ),
        );
  }
  if (before.disabledAt && !after.disabledAt)
    await recordAudit({ ...ctx, action: "user.enable", target, details: null });
  return toUserRow(after);
}
