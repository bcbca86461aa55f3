// Route contracts of the classroom domain: classes, co-owners, invites, joining, the roster, publish and kept disks.
import { z } from "zod";
import { defineRoute } from "@/server/http/route-spec";
import { emptyAsUndefined, ZId, ZIdString } from "@/server/http/zod-fragments";
import { CONTROL_MESSAGE, isPlainText, zLine, zName } from "@/server/http/zod-text";
import { ZJobView, ZMachineRow } from "@/server/machines/routes";

const int = (min: number, max: number, what: string) =>
  z.coerce
    .number({ message: `Enter a number for ${what}.` })
    .int({ message: `Use a whole number for ${what}.` })
    .min(min, { message: `${what[0]?.toUpperCase()}${what.slice(1)}: at least ${min}.` })
    .max(max, { message: `${what[0]?.toUpperCase()}${what.slice(1)}: at most ${max}.` });

const ZName = zName(80);

export const ZClassSettings = z.object({
  name: ZName,
  description: z.string().trim().max(2000, { message: "Use at most 2000 characters." }).default(""),
  hoursPerStudent: int(0, 744, "hours per student per month").default(10),
  idleMinutes: int(0, 1440, "idle shutdown minutes").default(30),
  isolatedNetwork: z.boolean().default(true),
  maxStudents: int(1, 500, "the number of students").default(30),
  poolSize: int(0, 100, "the pool size").default(0),
  rdpClipboard: z.boolean().default(true),
  keepDays: int(0, 90, "days to keep previous disks").default(7),
});

export const ZCreateClass = ZClassSettings.extend({
  templateId: z.string({ message: "Choose a template." }).min(1, { message: "Choose a template." }).max(64),
});
export type TCreateClass = z.infer<typeof ZCreateClass>;

export const ZUpdateClass = ZClassSettings.partial();
export type TUpdateClass = z.infer<typeof ZUpdateClass>;

const ZPerson = z.object({ id: z.string(), name: z.string(), email: z.string() });

export const ZClassRow = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  status: z.string(),
  statusDetail: z.string().nullable(),
  owner: ZPerson,
  coOwners: z.array(ZPerson),
  template: z
    .object({ id: z.string(), name: z.string(), kind: z.string(), consoleKinds: z.array(z.string()) })
    .nullable(),
  baseVersion: z.number(),
  hoursPerStudent: z.number(),
  idleMinutes: z.number(),
  isolatedNetwork: z.boolean(),
  maxStudents: z.number(),
  poolSize: z.number(),
  rdpClipboard: z.boolean(),
  keepDays: z.number(),
  students: z.number(),
  poolReady: z.number(),
  archivedAt: z.string().nullable(),
  createdAt: z.string(),
  /** What the caller is in this class. */
  myRole: z.enum(["owner", "co-owner", "student", "admin"]),
  teacherMachineId: z.string().nullable(),
  /** The caller's own machine in the class (students). */
  myMachineId: z.string().nullable(),
  /** Pool machines that failed to be created, and when they are retried automatically (teachers). */
  poolFailed: z.number().optional(),
  poolRetryAt: z.string().nullable().optional(),
  /** The newest job of this class with failed items ("Needs attention" links to it; teachers). */
  attentionJobId: z.string().nullable().optional(),
});
export type TClassRow = z.infer<typeof ZClassRow>;

export const ZRosterRow = z.object({
  user: ZPerson,
  joinedAt: z.string(),
  machine: ZMachineRow.nullable(),
  hoursUsedSeconds: z.number(),
  hoursLeftSeconds: z.number().nullable(),
  lastConsoleAt: z.string().nullable(),
  consoleOpen: z.boolean(),
});
export type TRosterRow = z.infer<typeof ZRosterRow>;

export const ZCreateInvite = z.object({
  label: zLine(80).default(""),
  /** Days until it expires; null = never. */
  expiresInDays: z.union([int(1, 365, "days until the link expires"), z.null()]).default(7),
  maxUses: z.preprocess(emptyAsUndefined, z.union([int(1, 10_000, "the number of uses"), z.null()]).optional()),
  /** E-mail addresses (ana@school.org) and domains (@school.org) allowed to use it; empty = anyone with the link. */
  allowed: z
    .array(
      z
        .string()
        .trim()
        .toLowerCase()
        .regex(/^([^\s@,]+@[^\s@,]+\.[^\s@,]+|@[^\s@,]+\.[^\s@,]+)$/, {
          message: "Use e-mail addresses (ana@school.org) or domains (@school.org).",
        }),
    )
    .max(500, { message: "At most 500 entries." })
    .default([]),
});
export type TCreateInvite = z.infer<typeof ZCreateInvite>;

export const ZInviteRow = z.object({
  id: z.string(),
  prefix: z.string(),
  label: z.string(),
  expiresAt: z.string().nullable(),
  maxUses: z.number().nullable(),
  uses: z.number(),
  allowed: z.array(z.string()),
  revokedAt: z.string().nullable(),
  createdAt: z.string(),
  createdBy: z.string().nullable(),
  /** active, expired, revoked or used-up */
  status: z.string(),
});

export const ZInvitePreview = z.object({
  className: z.string(),
  description: z.string(),
  teacher: z.string(),
  status: z.string(),
  message: z.string().nullable(),
  selfSignup: z.boolean(),
  enrolled: z.boolean(),
});

export const ZSignup = z.object({
  name: z
    .string({ message: "Enter your name." })
    .trim()
    .min(1, { message: "Enter your name." })
    .max(100, { message: "Use at most 100 characters." })
    .refine(isPlainText, { message: CONTROL_MESSAGE }),
  email: z
    .string({ message: "Enter your e-mail address." })
    .trim()
    .toLowerCase()
    .email({ message: "Enter a valid e-mail address." })
    .max(200),
  password: z
    .string({ message: "Choose a password." })
    .min(10, { message: "Use at least 10 characters." })
    .max(200, { message: "Use at most 200 characters." }),
});

const ZCode = z.object({
  code: z
    .string()
    .min(10, { message: "This invite link is incomplete." })
    .max(100, { message: "This invite link is not valid." }),
});
const ZClassUser = z.object({ id: ZIdString, userId: ZIdString });
const ZClassItem = z.object({ id: ZIdString, itemId: ZIdString });

export const classesRoutes = {
  list: defineRoute({
    method: "GET",
    path: "/api/classes",
    summary: "Classes I teach, co-teach or attend (admins: all)",
    tag: "Classes",
    access: "any",
    query: z.object({ archived: z.preprocess(emptyAsUndefined, z.enum(["true", "false"]).default("false")) }),
    response: z.object({ items: z.array(ZClassRow) }),
  }),
  create: defineRoute({
    method: "POST",
    path: "/api/classes",
    summary: "Create a class and deploy it: the teacher's machine (a full copy) and the pre-provisioned pool, as a job",
    tag: "Classes",
    access: ["ADMIN", "TEACHER"],
    body: ZCreateClass,
    response: z.object({ class: ZClassRow, job: ZJobView }),
    status: 202,
  }),
  get: defineRoute({
    method: "GET",
    path: "/api/classes/{id}",
    summary: "One class",
    tag: "Classes",
    access: "any",
    params: ZId,
    response: ZClassRow,
  }),
  update: defineRoute({
    method: "PATCH",
    path: "/api/classes/{id}",
    summary: "Change a class's settings (a larger pool is filled in the background)",
    tag: "Classes",
    access: ["ADMIN", "TEACHER"],
    params: ZId,
    body: ZUpdateClass,
    response: ZClassRow,
  }),
  archive: defineRoute({
    method: "POST",
    path: "/api/classes/{id}/archive",
    summary: "Archive (machines stopped, invites stop working) or restore a class",
    tag: "Classes",
    access: ["ADMIN", "TEACHER"],
    params: ZId,
    body: z.object({ archived: z.boolean().default(true) }),
    response: ZClassRow,
  }),
  remove: defineRoute({
    method: "DELETE",
    path: "/api/classes/{id}",
    summary:
      "Delete a class and all its machines; confirmMachines must equal the number of machines that will be removed",
    tag: "Classes",
    access: ["ADMIN", "TEACHER"],
    params: ZId,
    query: z.object({
      confirmMachines: z.coerce
        .number({ message: "Say how many machines will be removed (confirmMachines)." })
        .int()
        .min(0),
    }),
    response: z.object({ job: ZJobView.nullable() }),
    status: 202,
  }),
  addCoOwner: defineRoute({
    method: "POST",
    path: "/api/classes/{id}/co-owners",
    summary: "Add a teacher as co-owner (same rights as the owner)",
    tag: "Classes",
    access: ["ADMIN", "TEACHER"],
    params: ZId,
    body: z.object({
      email: z
        .string({ message: "Enter the teacher's e-mail address." })
        .trim()
        .toLowerCase()
        .email({ message: "Enter a valid e-mail address." }),
    }),
    response: ZClassRow,
    status: 201,
  }),
  removeCoOwner: defineRoute({
    method: "DELETE",
    path: "/api/classes/{id}/co-owners/{userId}",
    summary: "Remove a co-owner",
    tag: "Classes",
    access: ["ADMIN", "TEACHER"],
    params: ZClassUser,
    status: 204,
  }),
  roster: defineRoute({
    method: "GET",
    path: "/api/classes/{id}/roster",
    summary: "Students with their machine, hours used this month and last console time",
    tag: "Classes",
    access: ["ADMIN", "TEACHER"],
    params: ZId,
    response: z.object({
      items: z.array(ZRosterRow),
      teacherMachine: ZMachineRow.nullable(),
      pool: z.array(ZMachineRow),
    }),
  }),
  removeStudent: defineRoute({
    method: "DELETE",
    path: "/api/classes/{id}/students/{userId}",
    summary: "Remove a student; machine=remove deletes their machine, machine=keep keeps it for the teachers",
    tag: "Classes",
    access: ["ADMIN", "TEACHER"],
    params: ZClassUser,
    query: z.object({
      machine: z.enum(["remove", "keep"], {
        message: "Say what happens to the machine: machine=remove or machine=keep.",
      }),
    }),
    status: 204,
  }),
  recreateMachine: defineRoute({
    method: "POST",
    path: "/api/classes/{id}/students/{userId}/machine",
    summary:
      "Re-create a student's missing class machine (deleted or removed from its host), through the same provisioning and quota as joining",
    tag: "Classes",
    access: ["ADMIN", "TEACHER"],
    params: ZClassUser,
    response: z.object({ machine: ZMachineRow, job: ZJobView }),
    status: 202,
  }),
  grantHours: defineRoute({
    method: "POST",
    path: "/api/classes/{id}/students/{userId}/hours",
    summary: "Grant a student extra lab hours in this class for this month",
    tag: "Classes",
    access: ["ADMIN", "TEACHER"],
    params: ZClassUser,
    body: z.object({ hours: int(1, 744, "hours") }),
    response: ZRosterRow,
  }),
  invites: defineRoute({
    method: "GET",
    path: "/api/classes/{id}/invites",
    summary: "The class's invite links (codes are never shown again)",
    tag: "Classes",
    access: ["ADMIN", "TEACHER"],
    params: ZId,
    response: z.object({ items: z.array(ZInviteRow) }),
  }),
  createInvite: defineRoute({
    method: "POST",
    path: "/api/classes/{id}/invites",
    summary: "A new invite link (≥ 128-bit code, stored hashed; shown once)",
    tag: "Classes",
    access: ["ADMIN", "TEACHER"],
    params: ZId,
    body: ZCreateInvite,
    response: z.object({ invite: ZInviteRow, code: z.string(), url: z.string() }),
    status: 201,
  }),
  revokeInvite: defineRoute({
    method: "DELETE",
    path: "/api/classes/{id}/invites/{itemId}",
    summary: "Revoke an invite link",
    tag: "Classes",
    access: ["ADMIN", "TEACHER"],
    params: ZClassItem,
    status: 204,
  }),
  preview: defineRoute({
    method: "GET",
    path: "/api/invites/{code}",
    summary: "What an invite link leads to (class, teacher) and whether it can still be used",
    tag: "Classes",
    access: "public",
    params: ZCode,
    response: ZInvitePreview,
  }),
  join: defineRoute({
    method: "POST",
    path: "/api/invites/{code}/join",
    summary: "Join the class with an invite link; a pool machine is assigned at once, otherwise one is created (job)",
    tag: "Classes",
    access: "any",
    params: ZCode,
    response: z.object({
      class: ZClassRow,
      machine: ZMachineRow.nullable(),
      job: ZJobView.nullable(),
      alreadyEnrolled: z.boolean(),
    }),
    status: 201,
  }),
  signup: defineRoute({
    method: "POST",
    path: "/api/invites/{code}/signup",
    summary: "Create a student account through an invite link (only when the admin allows self-signup) and join",
    tag: "Classes",
    access: "public",
    params: ZCode,
    body: ZSignup,
    response: z.object({ email: z.string(), classId: z.string() }),
    status: 201,
  }),
  publish: defineRoute({
    method: "POST",
    path: "/api/classes/{id}/publish",
    summary:
      "Publish: the teacher's machine becomes the class base and every student machine is re-created from it (previous disks kept); retry: only machines not on the current base",
    tag: "Classes",
    access: ["ADMIN", "TEACHER"],
    params: ZId,
    body: z.object({ retry: z.boolean().default(false) }),
    response: z.object({ job: ZJobView }),
    status: 202,
  }),
  keptDisks: defineRoute({
    method: "GET",
    path: "/api/classes/{id}/kept-disks",
    summary: "Students' previous disks kept after a publish, until released or their retention ends",
    tag: "Classes",
    access: ["ADMIN", "TEACHER"],
    params: ZId,
    response: z.object({
      items: z.array(
        z.object({
          id: z.string(),
          label: z.string(),
          machineId: z.string().nullable(),
          keepUntil: z.string(),
          createdAt: z.string(),
        }),
      ),
    }),
  }),
  releaseKeptDisk: defineRoute({
    method: "DELETE",
    path: "/api/classes/{id}/kept-disks/{itemId}",
    summary: "Release (delete) a kept previous disk now",
    tag: "Classes",
    access: ["ADMIN", "TEACHER"],
    params: ZClassItem,
    status: 204,
  }),
  labs: defineRoute({
    method: "GET",
    path: "/api/me/labs",
    summary: "My lab machines (class machines and personal ones) with their class and timers",
    tag: "Classes",
    access: "any",
    response: z.object({
      items: z.array(
        z.object({
          machine: ZMachineRow,
          class: z
            .object({ id: z.string(), name: z.string(), hoursPerStudent: z.number(), idleMinutes: z.number() })
            .nullable(),
        }),
      ),
    }),
  }),
  settings: defineRoute({
    method: "GET",
    path: "/api/admin/settings",
    summary: "Portal settings admins change at run time (self-signup, …)",
    tag: "Admin",
    access: ["ADMIN"],
    response: z.object({ selfSignup: z.boolean() }),
  }),
  updateSettings: defineRoute({
    method: "PATCH",
    path: "/api/admin/settings",
    summary: "Change portal settings",
    tag: "Admin",
    access: ["ADMIN"],
    body: z.object({ selfSignup: z.boolean().optional() }),
    response: z.object({ selfSignup: z.boolean() }),
  }),
};
