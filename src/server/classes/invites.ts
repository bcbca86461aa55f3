// Invite links: "lpi_" + 24 random bytes (192 bits, base64url). Only the SHA-256 is stored; the first characters
// are kept as a visible prefix. Expiry (default 7 days, or never), max uses, revoke, optional allowed e-mail
// addresses and @domains.
import { createHash, randomBytes } from "node:crypto";
import type { ClassInvite } from "@/generated/sqlite/client";
import { recordAudit } from "@/server/audit/record";
import type { Actor } from "@/server/auth/actor";
import type { Ctx } from "@/server/auth/ctx";
import { db } from "@/server/db/client";
import { AppError, notFound } from "@/server/http/app-error";
import { loadClassFor } from "./access";
import type { TCreateInvite } from "./routes";

export function newInviteCode(): { code: string; prefix: string; hash: string } {
  const code = `lpi_${randomBytes(24).toString("base64url")}`;
  return { code, prefix: code.slice(0, 10), hash: hashInviteCode(code) };
}

export const hashInviteCode = (code: string) => createHash("sha256").update(code).digest("hex");

export type InviteStatus = "active" | "expired" | "revoked" | "used-up";

export function inviteStatus(
  i: Pick<ClassInvite, "revokedAt" | "expiresAt" | "maxUses" | "uses">,
  now = new Date(),
): InviteStatus {
  if (i.revokedAt) return "revoked";
  if (i.expiresAt && i.expiresAt <= now) return "expired";
  if (i.maxUses !== null && i.uses >= i.maxUses) return "used-up";
  return "active";
}

export const allowedList = (allowed: string) => allowed.split(",").filter(Boolean);

/** Whether an e-mail address may use an invite with this allowed list (addresses and @domains; empty = anyone). */
export function emailAllowed(allowed: string, email: string): boolean {
  const list = allowedList(allowed);
  if (!list.length) return true;
  const e = email.trim().toLowerCase();
  const domain = e.slice(e.lastIndexOf("@"));
  return list.some((a) => (a.startsWith("@") ? domain === a : e === a));
}

/** The error for a code that cannot be used (or null when it can). */
export function inviteRefusal(status: InviteStatus): AppError | null {
  if (status === "expired") return new AppError("INVITE_EXPIRED");
  if (status === "revoked") return new AppError("INVITE_REVOKED");
  if (status === "used-up") return new AppError("INVITE_USED_UP");
  return null;
}

export async function findInvite(code: string) {
  const invite = await db().classInvite.findUnique({
    where: { hash: hashInviteCode(code) },
    include: { class: { include: { owner: { select: { name: true } } } } },
  });
  if (!invite || invite.class.status === "DELETING") throw new AppError("INVITE_INVALID");
  return invite;
}

export function inviteRow(i: ClassInvite & { createdBy?: { name: string } | null }) {
  return {
    id: i.id,
    prefix: i.prefix,
    label: i.label,
    expiresAt: i.expiresAt?.toISOString() ?? null,
    maxUses: i.maxUses,
    uses: i.uses,
    allowed: allowedList(i.allowed),
    revokedAt: i.revokedAt?.toISOString() ?? null,
    createdAt: i.createdAt.toISOString(),
    createdBy: i.createdBy?.name ?? null,
    status: inviteStatus(i),
  };
}

export async function listInvites(actor: Actor, classId: string) {
  await loadClassFor(actor, classId);
  const rows = await db().classInvite.findMany({
    where: { classId },
    include: { createdBy: { select: { name: true } } },
    orderBy: { createdAt: "desc" },
  });
  return { items: rows.map(inviteRow) };
}

export async function createInvite(ctx: Ctx, classId: string, input: TCreateInvite, origin: string) {
  const { actor } = ctx;
  const { cls } = await loadClassFor(actor, classId);
  if (cls.archivedAt)
    throw new AppError("CLASS_ARCHIVED", "This class is archived; restore it before inviting students.");
  const { code, prefix, hash } = newInviteCode();
  const invite = await db().classInvite.create({
    data: {
      classId,
      hash,
      prefix,
      label: input.label,
      expiresAt: input.expiresInDays === null ? null : new Date(Date.now() + input.expiresInDays * 86_400_000),
      maxUses: input.maxUses ?? null,
      allowed: [...new Set(input.allowed)].join(","),
      createdById: actor.id,
    },
    include: { createdBy: { select: { name: true } } },
  });
  await recordAudit({
    ...ctx,
    action: "class.invite.create",
    target: { type: "class", id: classId, name: cls.name },
    details: {
      inviteId: invite.id,
      prefix,
      expiresInDays: input.expiresInDays,
      maxUses: input.maxUses ?? null,
      allowed: input.allowed.length,
    },
  });
  return { invite: inviteRow(invite), code, url: `${origin.replace(/\/$/, "")}/join/${code}` };
}

export async function revokeInvite(ctx: Ctx, classId: string, inviteId: string): Promise<void> {
  const { actor } = ctx;
  const { cls } = await loadClassFor(actor, classId);
  const invite = await db().classInvite.findFirst({ where: { id: inviteId, classId } });
  if (!invite) throw notFound("This invite link");
  if (!invite.revokedAt) await db().classInvite.update({ where: { id: inviteId }, data: { revokedAt: new Date() } });
  await recordAudit({
    ...ctx,
    action: "class.invite.revoke",
    target: { type: "class", id: classId, name: cls.name },
    details: { inviteId, prefix: invite.prefix },
  });
}
