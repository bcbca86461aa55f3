// Who may do what: every authorization decision of the domains, in one place, as named predicates. A predicate
// is pure (it decides from what it is given); the few database lookups a decision needs sit at the bottom of this
// file, next to the where-builders that filter lists by the same rules. Routes check roles (RouteSpec.access);
// everything finer — a class's teachers, a machine's owner, a template's owner — is decided here.
// Tested as a table in tests/unit/permissions.test.ts.
import type { Prisma } from "@/generated/sqlite/client";
import type { Role } from "@/generated/sqlite/enums";
import { db } from "@/server/db/client";
import type { Actor } from "./actor";
import type { TokenScope } from "./api-tokens";

/** Who is asking, as far as a decision needs: the id and the role. */
export type Who = Pick<Actor, "id" | "role">;
/** A class as far as teaching goes: its owner and its co-owners. */
export type TaughtClass = { ownerId: string; coOwners: { userId: string }[] };
/** The actor's relationship to a class. */
export type ClassRole = "owner" | "co-owner" | "student" | "admin";

// ---- roles ----

export function isAdmin(who: { role: Role } | null | undefined): boolean {
  return who?.role === "ADMIN";
}

export function isTeacher(who: { role: Role }): boolean {
  return who.role === "TEACHER";
}

export function isStudent(who: { role: Role }): boolean {
  return who.role === "STUDENT";
}

/** The "admin" scope is for administrators only; read and write are for everyone. */
export function mayHoldScope(who: { role: Role }, scope: TokenScope): boolean {
  return scope !== "admin" || isAdmin(who);
}

// ---- classes ----

/** Teaches the class: its owner or a co-owner (teachers and admins; a student never teaches). */
export function teachesClass(who: Who, c: TaughtClass | null | undefined): boolean {
  if (!c || isStudent(who)) return false;
  return c.ownerId === who.id || c.coOwners.some((o) => o.userId === who.id);
}

/** A class's teachers or an admin: who may run the class and see its machines. */
export function mayManageClass(who: Who, c: TaughtClass | null | undefined): boolean {
  return Boolean(c) && (isAdmin(who) || teachesClass(who, c));
}

/** The users who follow a class live besides admins: its owner and co-owners. */
export function classTeacherIds(c: TaughtClass | null | undefined): string[] {
  return c ? [c.ownerId, ...c.coOwners.map((o) => o.userId)] : [];
}

/** The actor's role in a class, given whether they are enrolled in it; null: the class is none of theirs. */
export function classRole(who: Who, c: TaughtClass, enrolled: boolean): ClassRole | null {
  if (c.ownerId === who.id) return "owner";
  if (!isStudent(who) && c.coOwners.some((o) => o.userId === who.id)) return "co-owner";
  if (isAdmin(who)) return "admin";
  return enrolled ? "student" : null;
}

// ---- machines ----

/** Owner, a teacher of the machine's class, or an admin. */
export function mayControlMachine(who: Who, m: { ownerId: string | null; class: TaughtClass | null }): boolean {
  return isAdmin(who) || m.ownerId === who.id || teachesClass(who, m.class);
}

/** The same rule for lists decided in bulk: `taughtClassIds` are the classes the user teaches. */
export function mayReachMachine(
  who: Who,
  m: { ownerId: string | null; classId: string | null },
  taughtClassIds: ReadonlySet<string> | undefined,
): boolean {
  return isAdmin(who) || m.ownerId === who.id || (m.classId !== null && taughtClassIds?.has(m.classId) === true);
}

/** Choosing the host, another owner or full-copy disks when creating machines is for admins. */
export function mayPlaceMachines(who: Who): boolean {
  return isAdmin(who);
}

/** A console's connection details (host, VNC/SPICE ports) are shown to admins only. */
export function maySeeDisplay(who: { role: Role } | null | undefined): boolean {
  return isAdmin(who);
}

// ---- templates ----

/** A template may be used (seen, deployed, made a class from) when it is ready, one's own, or by an admin. */
export function mayUseTemplate(who: Who, t: { status: string; ownerId: string | null }): boolean {
  return isAdmin(who) || t.status === "READY" || t.ownerId === who.id;
}

/** Its owner, if a teacher, or an admin. */
export function mayEditTemplate(who: Who, t: { ownerId: string | null }): boolean {
  return isAdmin(who) || (isTeacher(who) && t.ownerId === who.id);
}

// ---- jobs ----

/** The class a job belongs to (deploy, publish, pool jobs carry `classId` in their payload). */
export function jobClassId(payload: string): string | null {
  let classId: unknown;
  try {
    classId = (JSON.parse(payload) as { classId?: unknown }).classId;
  } catch {
    return null;
  }
  return typeof classId === "string" ? classId : null;
}

/** Its creator, a teacher of its class, or an admin. */
export function mayViewJob(who: Who, job: { createdById: string | null }, jobClass: TaughtClass | null): boolean {
  return isAdmin(who) || job.createdById === who.id || teachesClass(who, jobClass);
}

// ---- quota requests ----

/** Its author or an admin. */
export function mayViewRequest(who: Who, r: { userId: string }): boolean {
  return isAdmin(who) || r.userId === who.id;
}

/** Admins decide anything; a class's teacher decides hours requests for that class (not their own). */
export function mayDecideRequest(
  who: Who,
  r: { userId: string; kind: string; classId: string | null },
  requestClass: TaughtClass | null,
): boolean {
  if (isAdmin(who)) return true;
  if (r.userId === who.id || r.kind !== "HOURS" || !r.classId) return false;
  return teachesClass(who, requestClass);
}

// ---- lookups: the only database reads of this module ----

/** The owner and co-owners of a class, or null when there is no such class. */
export async function loadTaughtClass(classId: string | null): Promise<TaughtClass | null> {
  if (!classId) return null;
  return db().class.findUnique({
    where: { id: classId },
    select: { ownerId: true, coOwners: { select: { userId: true } } },
  });
}

/** Whether the actor teaches the class with this id (owner or co-owner). */
export async function teachesClassId(who: Who, classId: string): Promise<boolean> {
  if (isStudent(who)) return false;
  return teachesClass(who, await loadTaughtClass(classId));
}

/** The actor's role in a class, asking the database about enrolment only when it matters. */
export async function classRoleOf(who: Who, c: TaughtClass & { id: string }): Promise<ClassRole | null> {
  const decided = classRole(who, c, false);
  if (decided) return decided;
  const enrolled = await db().enrollment.findUnique({
    where: { classId_userId: { classId: c.id, userId: who.id } },
    select: { id: true },
  });
  return classRole(who, c, Boolean(enrolled));
}

/** For each of these users, the ids of the classes they own or co-own. */
export async function classIdsTaughtBy(userIds: string[]): Promise<Map<string, Set<string>>> {
  const taught = new Map<string, Set<string>>();
  if (userIds.length === 0) return taught;
  const [owned, coOwned] = await Promise.all([
    db().class.findMany({ where: { ownerId: { in: userIds } }, select: { id: true, ownerId: true } }),
    db().classCoOwner.findMany({ where: { userId: { in: userIds } }, select: { classId: true, userId: true } }),
  ]);
  for (const c of owned) taught.set(c.ownerId, (taught.get(c.ownerId) ?? new Set()).add(c.id));
  for (const c of coOwned) taught.set(c.userId, (taught.get(c.userId) ?? new Set()).add(c.classId));
  return taught;
}

// ---- where-builders: lists filtered by the rules above ----

/** Classes the actor owns or co-owns. */
export function taughtClassesWhere(who: Who): Prisma.ClassWhereInput {
  return { OR: [{ ownerId: who.id }, { coOwners: { some: { userId: who.id } } }] };
}

/** Classes the actor may see: all for admins; otherwise taught or enrolled in. */
export function visibleClassesWhere(who: Who): Prisma.ClassWhereInput {
  if (isAdmin(who)) return {};
  return {
    OR: [
      { ownerId: who.id },
      { coOwners: { some: { userId: who.id } } },
      { enrollments: { some: { userId: who.id } } },
    ],
  };
}

/** Templates the actor may use (mayUseTemplate as a filter). */
export function usableTemplatesWhere(who: Who): Prisma.TemplateWhereInput {
  return isAdmin(who) ? {} : { OR: [{ status: "READY" }, { ownerId: who.id }] };
}

/** "My jobs": the ones the actor created and those of the classes they teach (mayViewJob as a filter). */
export async function myJobsWhere(who: Who): Promise<Prisma.JobWhereInput> {
  const taught = isStudent(who)
    ? []
    : await db().class.findMany({ where: taughtClassesWhere(who), select: { id: true }, take: 500 });
  return { OR: [{ createdById: who.id }, ...taught.map((c) => ({ payload: { contains: `"classId":"${c.id}"` } }))] };
}
