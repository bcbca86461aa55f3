// Route contracts of the users domain: the admin users API and the signed-in user's own profile.
import { z } from "zod";
import { ZPassword } from "@/server/auth/passwords";
import { defineRoute } from "@/server/http/route-spec";
import { emptyAsUndefined, ZId } from "@/server/http/zod-fragments";
import { zName } from "@/server/http/zod-text";

export const ZRole = z.enum(["ADMIN", "TEACHER", "STUDENT"]);
export const ZImportRole = z.enum(["STUDENT", "TEACHER"]);

export const ZEmail = z
  .string({ message: "Enter an email address." })
  .trim()
  .toLowerCase()
  .max(254, { message: "Use at most 254 characters." })
  .pipe(z.email({ message: "Enter a valid email address, like name@school.edu." }));

export const ZName = zName(120);

export const ZUserRow = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: ZRole,
  disabled: z.boolean(),
  mustChangePassword: z.boolean(),
  lastLoginAt: z.string().nullable(),
  createdAt: z.string(),
});
export type TUserRow = z.infer<typeof ZUserRow>;

export const ZListUsersQuery = z.object({
  q: z.preprocess(emptyAsUndefined, z.string().max(200).optional()),
  role: z.preprocess(emptyAsUndefined, ZRole.optional()),
  status: z.preprocess(emptyAsUndefined, z.enum(["active", "disabled"]).optional()),
  page: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(100_000).default(1)),
  pageSize: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(100).default(25)),
});
export type TListUsersQuery = z.infer<typeof ZListUsersQuery>;

export const ZUserList = z.object({
  items: z.array(ZUserRow),
  total: z.number(),
  page: z.number(),
  pageSize: z.number(),
});
export type TUserList = z.infer<typeof ZUserList>;

export const ZCreateUser = z.object({
  email: ZEmail,
  name: ZName,
  role: ZRole,
  password: z.preprocess(emptyAsUndefined, ZPassword.optional()),
});
export type TCreateUser = z.infer<typeof ZCreateUser>;

export const ZCreatedUser = ZUserRow.extend({ temporaryPassword: z.string().optional() });
export type TCreatedUser = z.infer<typeof ZCreatedUser>;

export const ZUpdateUser = z
  .object({ name: ZName.optional(), role: ZRole.optional(), disabled: z.boolean().optional() })
  .refine((v) => v.name !== undefined || v.role !== undefined || v.disabled !== undefined, {
    message: "Send at least one of name, role or disabled.",
  });
export type TUpdateUser = z.infer<typeof ZUpdateUser>;

export const ZResetPassword = z.object({ password: z.preprocess(emptyAsUndefined, ZPassword.optional()) });
export type TResetPassword = z.infer<typeof ZResetPassword>;
export const ZResetPasswordResult = z.object({ temporaryPassword: z.string().optional() });

export const ZImportRow = z.object({
  line: z.number(),
  email: z.string(),
  status: z.enum(["created", "exists", "invalid"]),
  message: z.string().optional(),
  temporaryPassword: z.string().optional(),
});
export type TImportRow = z.infer<typeof ZImportRow>;
export const ZImportResult = z.object({
  created: z.number(),
  skipped: z.number(),
  failed: z.number(),
  rows: z.array(ZImportRow),
});
export type TImportResult = z.infer<typeof ZImportResult>;

export const ZMe = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: ZRole,
  mustChangePassword: z.boolean(),
  lastLoginAt: z.string().nullable(),
  createdAt: z.string(),
});
export type TMe = z.infer<typeof ZMe>;
export const ZUpdateMe = z.object({ name: ZName });

export const ZChangePassword = z.object({
  currentPassword: z
    .string({ message: "Enter your current password." })
    .min(1, { message: "Enter your current password." })
    .max(256),
  newPassword: ZPassword,
});
export type TChangePassword = z.infer<typeof ZChangePassword>;

const ADMIN = ["ADMIN"] as const;

export const usersRoutes = {
  list: defineRoute({
    method: "GET",
    path: "/api/admin/users",
    summary: "List users (search by email or name, filter by role and status, paged)",
    tag: "Users",
    access: ADMIN,
    query: ZListUsersQuery,
    response: ZUserList,
  }),
  create: defineRoute({
    method: "POST",
    path: "/api/admin/users",
    summary: "Create a user; without a password a temporary one is generated and returned once",
    tag: "Users",
    access: ADMIN,
    body: ZCreateUser,
    response: ZCreatedUser,
    status: 201,
  }),
  update: defineRoute({
    method: "PATCH",
    path: "/api/admin/users/{id}",
    summary: "Rename, change the role of, disable or enable a user",
    tag: "Users",
    access: ADMIN,
    params: ZId,
    body: ZUpdateUser,
    response: ZUserRow,
  }),
  resetPassword: defineRoute({
    method: "POST",
    path: "/api/admin/users/{id}/reset-password",
    summary: "Reset a user's password (generated when none is given); ends the user's sessions",
    tag: "Users",
    access: ADMIN,
    params: ZId,
    body: ZResetPassword,
    response: ZResetPasswordResult,
  }),
  import: defineRoute({
    method: "POST",
    path: "/api/admin/users/import",
    summary: "Import users from CSV (email,name[,role]); each row is reported on its own",
    tag: "Users",
    access: ADMIN,
    rawBody: {
      contentType: "text/csv",
      description:
        "CSV with the columns email,name and optionally role (STUDENT or TEACHER); header row optional; at most 2000 rows.",
    },
    response: ZImportResult,
  }),
  me: defineRoute({
    method: "GET",
    path: "/api/me",
    summary: "The signed-in user's own profile",
    tag: "Profile",
    access: "any",
    response: ZMe,
  }),
  updateMe: defineRoute({
    method: "PATCH",
    path: "/api/me",
    summary: "Change the signed-in user's display name",
    tag: "Profile",
    access: "any",
    body: ZUpdateMe,
    response: ZMe,
  }),
  changePassword: defineRoute({
    method: "POST",
    path: "/api/me/password",
    summary: "Change the signed-in user's password; every session of the user ends (sign in again)",
    tag: "Profile",
    access: "any",
    body: ZChangePassword,
    status: 204,
  }),
};
