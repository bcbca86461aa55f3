// Who may see and run a class: its owner and co-owners (teachers), its students (see only), admins (everything).
// Classes a caller has nothing to do with are "not found", like machines.
import type { Actor } from "@/server/auth/actor";
import { classRoleOf, classTeacherIds } from "@/server/auth/permissions";
import { db } from "@/server/db/client";
import { publish } from "@/server/events/bus";
import { AppError, notFound } from "@/server/http/app-error";

export const classInclude = {
  owner: { select: { id: true, name: true, email: true } },
  coOwners: { include: { user: { select: { id: true, name: true, email: true } } }, orderBy: { createdAt: "asc" } },
  template: { select: { id: true, name: true, kind: true, consoleKinds: true } },
  baseTemplate: {
    select: {
      id: true,
      name: true,
      kind: true,
      consoleKinds: true,
      vcpus: true,
      memoryMb: true,
      diskGb: true,
      status: true,
    },
  },
} as const;

/** Loads a class the actor may see; `manage` also requires owner, co-owner or admin. */
export async function loadClassFor(actor: Actor, id: string, need: "view" | "manage" = "manage") {
  const c = await db().class.findUnique({ where: { id }, include: classInclude });
  if (!c) throw notFound("This class");
  const role = await classRoleOf(actor, c);
  if (!role) throw notFound("This class");
  if (need === "manage" && role === "student")
    throw new AppError("FORBIDDEN", "Only the class's teachers can do this.");
  return { cls: c, role };
}

/** Class changes reach its teachers and admins; roster changes also rebuild VPN rules (the VPN slice listens). */
export function publishClass(
  c: { id: string; ownerId: string; coOwners: { userId: string }[] },
  type: "class.updated" | "class.roster",
  extraUserIds: string[] = [],
): void {
  publish({
    type,
    audience: { userIds: [...classTeacherIds(c), ...extraUserIds], roles: ["ADMIN"] },
    data: { classId: c.id },
  });
}
