// Route contracts of the quotas domain: plans, per-user limits, hours grants, "my quota" and quota requests.
import { z } from "zod";
import { defineRoute } from "@/server/http/route-spec";
import { emptyAsUndefined, ZId, ZIdString } from "@/server/http/zod-fragments";
import { zName } from "@/server/http/zod-text";

export const ZUserIdParams = z.object({ userId: ZIdString });

const limit = (what: string, max: number) =>
  z
    .number({ message: `Enter a whole number for ${what}, or leave it empty for no limit.` })
    .int({ message: `Use a whole number for ${what}.` })
    .min(0, { message: `${what} cannot be negative.` })
    .max(max, { message: `Use at most ${max} for ${what}.` })
    .nullable();

export const ZLimitValues = z.object({
  maxMachines: limit("machines", 10_000),
  maxRunning: limit("running machines", 10_000),
  maxVcpus: limit("vCPUs", 100_000),
  maxMemoryMb: limit("memory (MB)", 100_000_000),
  maxDiskGb: limit("disk (GB)", 10_000_000),
  hoursPerMonth: limit("hours per month", 744 * 100),
});
export type TLimitValues = z.infer<typeof ZLimitValues>;

const ZPlanName = zName(60);
const ZDefaultFor = z.enum(["ADMIN", "TEACHER", "STUDENT"]).nullable();

export const ZPlanInput = ZLimitValues.partial().extend({
  name: ZPlanName,
  description: z.string().trim().max(500, { message: "Use at most 500 characters." }).optional(),
  defaultFor: ZDefaultFor.optional(),
});
export type TPlanInput = z.infer<typeof ZPlanInput>;
export const ZPlanUpdate = ZPlanInput.partial();
export type TPlanUpdate = z.infer<typeof ZPlanUpdate>;

export const ZPlan = ZLimitValues.extend({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  defaultFor: ZDefaultFor,
  userCount: z.number(),
  updatedAt: z.string(),
});
export type TPlan = z.infer<typeof ZPlan>;
export const ZPlanList = z.object({ items: z.array(ZPlan) });

export const ZDeletePlanQuery = z.object({
  moveUsers: z
    .preprocess(emptyAsUndefined, z.enum(["true", "false", "1", "0"]).optional())
    .transform((v) => v === "true" || v === "1"),
});

// an override value: null = the plan's value, -1 = unlimited, else the limit
const overrideValue = (what: string, max: number) =>
  z
    .number({ message: `Enter a whole number for ${what}.` })
    .int({ message: `Use a whole number for ${what}.` })
    .min(-1, { message: `Use -1 for unlimited, or a number ≥ 0 for ${what}.` })
    .max(max, { message: `Use at most ${max} for ${what}.` })
    .nullable()
    .optional();
export const ZOverrideInput = z.object({
  maxMachines: overrideValue("machines", 10_000),
  maxRunning: overrideValue("running machines", 10_000),
  maxVcpus: overrideValue("vCPUs", 100_000),
  maxMemoryMb: overrideValue("memory (MB)", 100_000_000),
  maxDiskGb: overrideValue("disk (GB)", 10_000_000),
  hoursPerMonth: overrideValue("hours per month", 744 * 100),
  note: z.string().trim().max(500, { message: "Use at most 500 characters." }).optional(),
});
export type TOverrideInput = z.infer<typeof ZOverrideInput>;

export const ZUpdateUserQuota = z
  .object({
    /** null = back to the role's default plan */
    planId: ZIdString.nullable().optional(),
    /** null = remove the override */
    override: ZOverrideInput.nullable().optional(),
  })
  .refine((v) => v.planId !== undefined || v.override !== undefined, { message: "Send planId, override, or both." });
export type TUpdateUserQuota = z.infer<typeof ZUpdateUserQuota>;

export const ZLimits = ZLimitValues.extend({ planId: z.string().nullable(), planName: z.string().nullable() });
export const ZUsage = z.object({
  machines: z.number(),
  running: z.number(),
  vcpus: z.number(),
  memoryMb: z.number(),
  diskGb: z.number(),
  hoursUsedSeconds: z.number(),
});
export const ZOverride = ZLimitValues.extend({ note: z.string() });

export const ZQuotaUserRow = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.enum(["ADMIN", "TEACHER", "STUDENT"]),
  disabled: z.boolean(),
  /** the user's own plan (null: the role's default applies) */
  ownPlanId: z.string().nullable(),
  limits: ZLimits,
  override: ZOverride.nullable(),
  usage: ZUsage,
  /** plan-level hours this month (limit + granted), null = unlimited */
  hoursTotalSeconds: z.number().nullable(),
  hoursLeftSeconds: z.number().nullable(),
});
export type TQuotaUserRow = z.infer<typeof ZQuotaUserRow>;

export const ZClassHours = z.object({
  classId: z.string(),
  className: z.string(),
  hoursPerStudent: z.number(),
  totalSeconds: z.number().nullable(),
  usedSeconds: z.number(),
  grantedSeconds: z.number(),
  leftSeconds: z.number().nullable(),
  leftSecondsOverall: z.number().nullable(),
});
export const ZQuotaUserDetail = ZQuotaUserRow.extend({ classes: z.array(ZClassHours) });
export type TQuotaUserDetail = z.infer<typeof ZQuotaUserDetail>;

export const QUOTA_SORTS = [
  "name",
  "email",
  "role",
  "plan",
  "machines",
  "running",
  "vcpus",
  "memory",
  "disk",
  "hours",
] as const;
export const ZQuotaListQuery = z.object({
  q: z.preprocess(emptyAsUndefined, z.string().max(200).optional()),
  role: z.preprocess(emptyAsUndefined, z.enum(["ADMIN", "TEACHER", "STUDENT"]).optional()),
  planId: z.preprocess(emptyAsUndefined, z.string().max(64).optional()),
  sort: z.preprocess(emptyAsUndefined, z.enum(QUOTA_SORTS).default("name")),
  dir: z.preprocess(emptyAsUndefined, z.enum(["asc", "desc"]).default("asc")),
  page: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(100_000).default(1)),
  pageSize: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(200).default(50)),
});
export type TQuotaListQuery = z.infer<typeof ZQuotaListQuery>;
export const ZQuotaList = z.object({
  items: z.array(ZQuotaUserRow),
  total: z.number(),
  page: z.number(),
  pageSize: z.number(),
  month: z.string(),
});
export type TQuotaList = z.infer<typeof ZQuotaList>;

export const ZGrantHours = z.object({
  userId: ZIdString,
  classId: z.preprocess(emptyAsUndefined, ZIdString.nullable().optional()),
  hours: z
    .number({ message: "Enter the number of hours." })
    .int({ message: "Use a whole number of hours." })
    .min(1, { message: "Grant at least 1 hour." })
    .max(1000, { message: "Grant at most 1000 hours at once." }),
  note: z.string().trim().max(500, { message: "Use at most 500 characters." }).optional(),
});
export type TGrantHours = z.infer<typeof ZGrantHours>;

const ZBudget = z.object({
  totalSeconds: z.number().nullable(),
  usedSeconds: z.number(),
  grantedSeconds: z.number(),
  leftSeconds: z.number().nullable(),
});
export const ZHoursResult = z.object({
  month: z.string(),
  plan: ZBudget,
  class: ZBudget.extend({ classId: z.string(), className: z.string(), hoursPerStudent: z.number() }).nullable(),
  leftSeconds: z.number().nullable(),
});

export const ZMyQuota = z.object({
  month: z.string(),
  limits: ZLimits,
  usage: ZUsage,
  /** plan-level hours (all classes together) */
  hours: ZBudget,
  /** per class the user is a student of */
  classes: z.array(ZClassHours),
});
export type TMyQuota = z.infer<typeof ZMyQuota>;

// ---- requests

export const REQUEST_KINDS = ["HOURS", "MACHINES", "RESOURCES"] as const;
export const REQUEST_RESOURCES = ["maxRunning", "maxVcpus", "maxMemoryMb", "maxDiskGb"] as const;

export const ZCreateRequest = z
  .object({
    kind: z.enum(REQUEST_KINDS, { message: "Choose hours, machines or resources." }),
    amount: z
      .number({ message: "Enter how much you need." })
      .int({ message: "Use a whole number." })
      .min(1, { message: "Ask for at least 1." })
      .max(1_000_000, { message: "That is more than can be granted." }),
    /** which resource (RESOURCES only) */
    resource: z.preprocess(
      emptyAsUndefined,
      z.enum(REQUEST_RESOURCES, { message: "Choose running machines, vCPUs, memory or disk." }).optional(),
    ),
    reason: z
      .string({ message: "Say why you need it." })
      .trim()
      .min(5, { message: "Say why you need it (at least 5 characters)." })
      .max(1000, { message: "Use at most 1000 characters." }),
    classId: z.preprocess(emptyAsUndefined, ZIdString.optional()),
  })
  .superRefine((v, ctx) => {
    if (v.kind === "RESOURCES" && !v.resource)
      ctx.addIssue({
        code: "custom",
        path: ["resource"],
        message: "Choose which resource: running machines, vCPUs, memory or disk.",
      });
    if (v.kind === "HOURS" && v.amount > 1000)
      ctx.addIssue({ code: "custom", path: ["amount"], message: "Ask for at most 1000 hours." });
  });
export type TCreateRequest = z.infer<typeof ZCreateRequest>;

export const ZRequestRow = z.object({
  id: z.string(),
  user: z.object({ id: z.string(), name: z.string(), email: z.string(), role: z.string() }),
  classId: z.string().nullable(),
  className: z.string().nullable(),
  kind: z.enum(REQUEST_KINDS),
  amount: z.number(),
  resource: z.string().nullable(),
  /** "10 hours", "2 more machines", "4096 MB more memory" */
  summary: z.string(),
  reason: z.string(),
  status: z.enum(["PENDING", "APPROVED", "DENIED", "CANCELLED"]),
  decidedBy: z.object({ id: z.string(), name: z.string() }).nullable(),
  decidedAt: z.string().nullable(),
  decisionNote: z.string().nullable(),
  granted: z.string().nullable(),
  createdAt: z.string(),
});
export type TRequestRow = z.infer<typeof ZRequestRow>;

export const ZListRequestsQuery = z.object({
  /** mine (default), classes (requests for classes I teach), all (admins) */
  scope: z.preprocess(emptyAsUndefined, z.enum(["mine", "classes", "all"]).default("mine")),
  status: z.preprocess(emptyAsUndefined, z.enum(["PENDING", "APPROVED", "DENIED", "CANCELLED", "ALL"]).default("ALL")),
  page: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(100_000).default(1)),
  pageSize: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(200).default(50)),
});
export type TListRequestsQuery = z.infer<typeof ZListRequestsQuery>;
export const ZRequestList = z.object({
  items: z.array(ZRequestRow),
  total: z.number(),
  pending: z.number(),
  page: z.number(),
  pageSize: z.number(),
});

export const ZApproveRequest = z.object({
  /** hours to grant (HOURS); default: what was asked */
  hours: z
    .number()
    .int({ message: "Use a whole number of hours." })
    .min(1, { message: "Grant at least 1 hour." })
    .max(1000, { message: "Grant at most 1000 hours." })
    .optional(),
  /** which budget the hours go to: a class (default: the request's class) or null for the plan's */
  classId: z.preprocess(emptyAsUndefined, ZIdString.nullable().optional()),
  /** new limits for the user (MACHINES, RESOURCES); default: the current limit + what was asked */
  limits: ZOverrideInput.omit({ note: true }).optional(),
  note: z.string().trim().max(1000, { message: "Use at most 1000 characters." }).optional(),
});
export type TApproveRequest = z.infer<typeof ZApproveRequest>;
export const ZDenyRequest = z.object({
  reason: z
    .string({ message: "Say why the request is denied." })
    .trim()
    .min(3, { message: "Say why the request is denied (at least 3 characters)." })
    .max(1000, { message: "Use at most 1000 characters." }),
});

const ADMIN = ["ADMIN"] as const;
const TAG = "Quotas";

export const quotasRoutes = {
  listPlans: defineRoute({
    method: "GET",
    path: "/api/admin/plans",
    summary: "List plans (named limit sets) with how many users are on each",
    tag: TAG,
    access: ADMIN,
    response: ZPlanList,
  }),
  createPlan: defineRoute({
    method: "POST",
    path: "/api/admin/plans",
    summary: "Create a plan; null limits are unlimited",
    tag: TAG,
    access: ADMIN,
    body: ZPlanInput,
    response: ZPlan,
    status: 201,
  }),
  updatePlan: defineRoute({
    method: "PATCH",
    path: "/api/admin/plans/{id}",
    summary: "Change a plan (name, limits, the role it is the default for)",
    tag: TAG,
    access: ADMIN,
    params: ZId,
    body: ZPlanUpdate,
    response: ZPlan,
  }),
  deletePlan: defineRoute({
    method: "DELETE",
    path: "/api/admin/plans/{id}",
    summary:
      "Delete a plan; refused while users are on it unless moveUsers=true (they go back to their role's default plan)",
    tag: TAG,
    access: ADMIN,
    params: ZId,
    query: ZDeletePlanQuery,
    status: 204,
  }),
  listUsage: defineRoute({
    method: "GET",
    path: "/api/admin/quotas",
    summary: "Usage against limits per user (filter by role, plan, search; sort)",
    tag: TAG,
    access: ADMIN,
    query: ZQuotaListQuery,
    response: ZQuotaList,
  }),
  getUser: defineRoute({
    method: "GET",
    path: "/api/admin/quotas/{userId}",
    summary: "One user's limits, usage, override and hours this month per class they are a student of",
    tag: TAG,
    access: ADMIN,
    params: ZUserIdParams,
    response: ZQuotaUserDetail,
  }),
  updateUser: defineRoute({
    method: "PATCH",
    path: "/api/admin/quotas/{userId}",
    summary: "Assign a plan to a user and/or set or clear their overrides (null = the plan's value, -1 = unlimited)",
    tag: TAG,
    access: ADMIN,
    params: ZUserIdParams,
    body: ZUpdateUserQuota,
    response: ZQuotaUserRow,
  }),
  grantHours: defineRoute({
    method: "POST",
    path: "/api/quota-grants",
    summary:
      "Grant extra lab hours for this month: admins for anyone (a class's budget or the plan's); teachers for students of their classes",
    tag: TAG,
    access: ["ADMIN", "TEACHER"],
    body: ZGrantHours,
    response: ZHoursResult,
  }),
  myQuota: defineRoute({
    method: "GET",
    path: "/api/me/quota",
    summary: "My limits, usage and lab hours left (overall and per class)",
    tag: TAG,
    access: "any",
    response: ZMyQuota,
  }),
  listRequests: defineRoute({
    method: "GET",
    path: "/api/quota-requests",
    summary: "Quota requests: mine, those for classes I teach (scope=classes), or all (scope=all, admins)",
    tag: TAG,
    access: "any",
    query: ZListRequestsQuery,
    response: ZRequestList,
  }),
  createRequest: defineRoute({
    method: "POST",
    path: "/api/quota-requests",
    summary: "Ask for more hours, machines or resources, with a reason",
    tag: TAG,
    access: ["TEACHER", "STUDENT"],
    body: ZCreateRequest,
    response: ZRequestRow,
    status: 201,
  }),
  cancelRequest: defineRoute({
    method: "POST",
    path: "/api/quota-requests/{id}/cancel",
    summary: "Withdraw my pending request",
    tag: TAG,
    access: "any",
    params: ZId,
    response: ZRequestRow,
  }),
  approveRequest: defineRoute({
    method: "POST",
    path: "/api/quota-requests/{id}/approve",
    summary: "Approve a request with extra hours or new limits (teachers: hours requests for their own classes)",
    tag: TAG,
    access: ["ADMIN", "TEACHER"],
    params: ZId,
    body: ZApproveRequest,
    response: ZRequestRow,
  }),
  denyRequest: defineRoute({
    method: "POST",
    path: "/api/quota-requests/{id}/deny",
    summary: "Deny a request with a reason (teachers: hours requests for their own classes)",
    tag: TAG,
    access: ["ADMIN", "TEACHER"],
    params: ZId,
    body: ZDenyRequest,
    response: ZRequestRow,
  }),
};
