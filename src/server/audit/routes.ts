// Route contracts of the audit domain: the admin-only audit trail, as JSON pages and as a CSV download.
import { z } from "zod";
import { defineRoute } from "@/server/http/route-spec";

/** Query strings arrive as text; an empty field (a blank form input) means "no filter". */
const blank = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;

/** An ISO date (a whole UTC day) or an ISO date-time with a zone (Z or ±hh:mm). */
export function isIsoDateOrDateTime(value: string): boolean {
  if (!DATE_ONLY.test(value) && !DATE_TIME.test(value)) return false;
  const [y, m, d] = value.slice(0, 10).split("-").map(Number) as [number, number, number];
  const day = new Date(Date.UTC(y, m - 1, d));
  // Reject impossible calendar days such as 2025-02-30, which Date would roll over.
  if (day.getUTCFullYear() !== y || day.getUTCMonth() !== m - 1 || day.getUTCDate() !== d) return false;
  return !Number.isNaN(fromInstant(value).getTime());
}

/** The first instant a "from" bound admits. */
export function fromInstant(value: string): Date {
  return DATE_ONLY.test(value) ? new Date(`${value}T00:00:00.000Z`) : new Date(value);
}

/** The last instant a "to" bound admits: a date-only "to" includes that whole UTC day. */
export function toInstant(value: string): Date {
  return DATE_ONLY.test(value)
    ? new Date(new Date(`${value}T00:00:00.000Z`).getTime() + 86_400_000 - 1)
    : new Date(value);
}

const text = (description: string) => z.preprocess(blank, z.string().trim().max(200).optional()).describe(description);
const isoBound = (description: string) =>
  z
    .preprocess(
      blank,
      z
        .string()
        .trim()
        .refine(
          isIsoDateOrDateTime,
          "Use an ISO date (2025-01-31) or an ISO date-time with a zone (2025-01-31T09:30:00Z).",
        )
        .optional(),
    )
    .describe(description);

const filterShape = {
  actor: text("Who acted: part of the actor's email (case-insensitive) or the exact user id."),
  action: text(
    'The action, exactly ("auth.login"), or every action under a prefix when it ends with "*" ("auth.*" matches auth.login, auth.login.failed …).',
  ),
  target: text("What was acted on: the exact target id, or part of the target's name."),
  from: isoBound("Earliest time, inclusive: an ISO date (start of that UTC day) or an ISO date-time."),
  to: isoBound("Latest time, inclusive: an ISO date (the whole UTC day) or an ISO date-time."),
};

function checkRange(q: { from?: string; to?: string }, ctx: z.RefinementCtx) {
  if (q.from && q.to && fromInstant(q.from).getTime() > toInstant(q.to).getTime()) {
    ctx.addIssue({
      code: "custom",
      path: ["from"],
      message: `"from" (${q.from}) is after "to" (${q.to}); the time range is empty.`,
    });
  }
}

export const ZAuditFilters = z.object(filterShape).superRefine(checkRange);
export type TAuditFilters = z.output<typeof ZAuditFilters>;

export const AUDIT_MAX_PAGE_SIZE = 200;

export const ZAuditListQuery = z
  .object({
    ...filterShape,
    page: z
      .preprocess(blank, z.coerce.number().int().min(1).max(1_000_000).default(1))
      .describe("Page number, from 1."),
    pageSize: z
      .preprocess(blank, z.coerce.number().int().min(1).max(AUDIT_MAX_PAGE_SIZE).default(50))
      .describe(`Events per page (at most ${AUDIT_MAX_PAGE_SIZE}).`),
  })
  .superRefine(checkRange);
export type TAuditListQuery = z.output<typeof ZAuditListQuery>;

export const ZAuditEvent = z.object({
  id: z.string(),
  at: z.string().describe("ISO date-time"),
  actorId: z.string().nullable(),
  actorEmail: z.string().nullable(),
  action: z.string(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  targetName: z.string().nullable(),
  ip: z.string().nullable(),
  details: z.unknown().describe("The event's details as JSON, or null"),
});
export type TAuditEvent = z.infer<typeof ZAuditEvent>;

export const ZAuditPage = z.object({
  items: z.array(ZAuditEvent),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
});
export type TAuditPage = z.infer<typeof ZAuditPage>;

export const AUDIT_EXPORT_MAX_ROWS = 50_000;

export const auditRoutes = {
  list: defineRoute({
    method: "GET",
    path: "/api/admin/audit",
    summary: "Search the audit trail, newest first",
    tag: "Audit",
    access: ["ADMIN"],
    query: ZAuditListQuery,
    response: ZAuditPage,
  }),
  exportCsv: defineRoute({
    method: "GET",
    path: "/api/admin/audit/export",
    summary: `Download the matching audit events as CSV (newest first, at most ${AUDIT_EXPORT_MAX_ROWS.toLocaleString("en")} rows)`,
    tag: "Audit",
    access: ["ADMIN"],
    query: ZAuditFilters,
    produces: "text/csv",
  }),
};
