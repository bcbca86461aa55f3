// Route contracts of personal API tokens: a person lists, creates and revokes their own tokens; an admin lists
// every token with its owner and revokes any. The token itself is returned once, by the create call.
import { z } from "zod";
import { defineRoute } from "@/server/http/route-spec";
import { emptyAsUndefined, ZId } from "@/server/http/zod-fragments";
import { CONTROL_MESSAGE, isPlainText } from "@/server/http/zod-text";

export const TOKEN_NAME_MAX = 80;
export const TOKEN_DAYS_MIN = 1;
export const TOKEN_DAYS_MAX = 365;
export const TOKEN_DAYS_DEFAULT = 90;
/** Active (not revoked, not expired) tokens one person may hold at once. */
export const TOKEN_ACTIVE_MAX = 50;

export const ZTokenScope = z.enum(["read", "write", "admin"]);
export const ZTokenStatus = z.enum(["active", "expired", "revoked"]);

export const ZTokenRow = z.object({
  id: z.string(),
  name: z.string(),
  /** The first characters of the token, to tell tokens apart (the token itself is never stored). */
  prefix: z.string(),
  scopes: z.array(ZTokenScope),
  status: ZTokenStatus,
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  lastUsedIp: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type TTokenRow = z.infer<typeof ZTokenRow>;

export const ZTokenOwner = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.enum(["ADMIN", "TEACHER", "STUDENT"]),
});
export const ZAdminTokenRow = ZTokenRow.extend({ owner: ZTokenOwner });
export type TAdminTokenRow = z.infer<typeof ZAdminTokenRow>;

export const ZMyTokenList = z.object({ items: z.array(ZTokenRow) });
export type TMyTokenList = z.infer<typeof ZMyTokenList>;

export const ZCreateToken = z.object({
  name: z
    .string({ message: "Enter a name, for example the script or machine that will use the token." })
    .trim()
    .min(1, { message: "Enter a name, for example the script or machine that will use the token." })
    .max(TOKEN_NAME_MAX, { message: `Use at most ${TOKEN_NAME_MAX} characters.` })
    .refine(isPlainText, { message: CONTROL_MESSAGE }),
  scopes: z
    .array(ZTokenScope, { message: 'Choose at least one scope: "read", "write" or "admin".' })
    .min(1, { message: 'Choose at least one scope: "read", "write" or "admin".' })
    .max(3)
    .transform((list) => [...new Set(list)]),
  expiresInDays: z.coerce
    .number({ message: `Enter a number of days from ${TOKEN_DAYS_MIN} to ${TOKEN_DAYS_MAX}.` })
    .int({ message: "Enter a whole number of days." })
    .min(TOKEN_DAYS_MIN, { message: `A token lasts at least ${TOKEN_DAYS_MIN} day.` })
    .max(TOKEN_DAYS_MAX, { message: `A token lasts at most ${TOKEN_DAYS_MAX} days; create a new one when it expires.` })
    .default(TOKEN_DAYS_DEFAULT)
    .describe(
      `Days until the token expires (${TOKEN_DAYS_MIN}–${TOKEN_DAYS_MAX}, default ${TOKEN_DAYS_DEFAULT}). Tokens that never expire are not offered.`,
    ),
});
export type TCreateToken = z.infer<typeof ZCreateToken>;

export const ZCreatedToken = ZTokenRow.extend({
  token: z.string().describe("The token itself (lpt_…). Shown only in this answer; store it now."),
});
export type TCreatedToken = z.infer<typeof ZCreatedToken>;

export const ZListTokensQuery = z.object({
  q: z
    .preprocess(emptyAsUndefined, z.string().trim().max(200).optional())
    .describe("Part of the owner's email or name, or of the token's name or prefix."),
  userId: z.preprocess(emptyAsUndefined, z.string().max(64).optional()).describe("Only this owner's tokens."),
  status: z.preprocess(emptyAsUndefined, ZTokenStatus.optional()),
  page: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(100_000).default(1)),
  pageSize: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(100).default(25)),
});
export type TListTokensQuery = z.infer<typeof ZListTokensQuery>;

export const ZAdminTokenList = z.object({
  items: z.array(ZAdminTokenRow),
  total: z.number(),
  page: z.number(),
  pageSize: z.number(),
});
export type TAdminTokenList = z.infer<typeof ZAdminTokenList>;

const ADMIN = ["ADMIN"] as const;

export const tokensRoutes = {
  listMine: defineRoute({
    method: "GET",
    path: "/api/me/tokens",
    summary: "The signed-in user's API tokens (prefix, scopes, expiry, last use; never the token itself)",
    tag: "API tokens",
    access: "any",
    response: ZMyTokenList,
  }),
  create: defineRoute({
    method: "POST",
    path: "/api/me/tokens",
    summary:
      "Create an API token (scopes read/write, admin for administrators only; 1–365 days, default 90). The token is in this answer only. " +
      "Needs a signed-in session: an API token cannot create tokens.",
    tag: "API tokens",
    access: "any",
    body: ZCreateToken,
    response: ZCreatedToken,
    status: 201,
  }),
  revokeMine: defineRoute({
    method: "DELETE",
    path: "/api/me/tokens/{id}",
    summary: "Revoke one of the signed-in user's tokens; it stops working at once and consoles opened with it close",
    tag: "API tokens",
    access: "any",
    params: ZId,
    response: ZTokenRow,
  }),
  listAll: defineRoute({
    method: "GET",
    path: "/api/admin/tokens",
    summary: "Every API token with its owner (search, filter by owner and status, paged)",
    tag: "API tokens",
    access: ADMIN,
    query: ZListTokensQuery,
    response: ZAdminTokenList,
  }),
  revokeAny: defineRoute({
    method: "DELETE",
    path: "/api/admin/tokens/{id}",
    summary: "Revoke anyone's API token; it stops working at once and consoles opened with it close",
    tag: "API tokens",
    access: ADMIN,
    params: ZId,
    response: ZAdminTokenRow,
  }),
};
