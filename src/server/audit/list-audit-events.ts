// Reading the audit trail: one filter builder shared by the JSON list, the CSV export and the admin page.
// Filters (documented on the route contract):
//   actor  — exact actorId, or part of actorEmail (lower-cased; emails are stored lower-case)
//   action — exact action, or a prefix when it ends with "*" ("auth.*" → every action starting "auth.")
//   target — exact targetId, or part of targetName
//   from/to — inclusive bounds; a date-only "to" includes that whole UTC day
// Every query is ordered by (at, id) descending, served by the @@index([at]) and bounded by take.
import { db } from "@/server/db/client";
import {
  fromInstant,
  type TAuditEvent,
  type TAuditFilters,
  type TAuditListQuery,
  type TAuditPage,
  toInstant,
} from "./routes";

type FindArgs = NonNullable<Parameters<ReturnType<typeof db>["auditEvent"]["findMany"]>[0]>;
type AuditWhere = NonNullable<FindArgs["where"]>;

export type AuditRow = {
  id: string;
  at: Date;
  actorId: string | null;
  actorEmail: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  targetName: string | null;
  ip: string | null;
  details: string | null;
};

export function auditWhere(filters: Partial<TAuditFilters>): AuditWhere {
  const and: AuditWhere[] = [];
  const actor = filters.actor?.trim();
  if (actor) and.push({ OR: [{ actorId: actor }, { actorEmail: { contains: actor.toLowerCase() } }] });
  const action = filters.action?.trim();
  if (action) {
    if (action.endsWith("*")) {
      const prefix = action.replace(/\*+$/, "");
      if (prefix) and.push({ action: { startsWith: prefix } });
    } else {
      and.push({ action });
    }
  }
  const target = filters.target?.trim();
  if (target) and.push({ OR: [{ targetId: target }, { targetName: { contains: target } }] });
  if (filters.from || filters.to) {
    and.push({
      at: {
        ...(filters.from ? { gte: fromInstant(filters.from) } : {}),
        ...(filters.to ? { lte: toInstant(filters.to) } : {}),
      },
    });
  }
  return and.length ? { AND: and } : {};
}

export const AUDIT_ORDER = [{ at: "desc" }, { id: "desc" }] as const satisfies FindArgs["orderBy"];

export function parseDetails(details: string | null): unknown {
  if (details === null || details === "") return null;
  try {
    return JSON.parse(details);
  } catch {
    return { raw: details };
  }
}

export function toAuditEvent(row: AuditRow): TAuditEvent {
  return {
    id: row.id,
    at: row.at.toISOString(),
    actorId: row.actorId,
    actorEmail: row.actorEmail,
    action: row.action,
    targetType: row.targetType,
    targetId: row.targetId,
    targetName: row.targetName,
    ip: row.ip,
    details: parseDetails(row.details),
  };
}

export async function listAuditEvents(query: TAuditListQuery): Promise<TAuditPage> {
  const where = auditWhere(query);
  const [rows, total] = await Promise.all([
    db().auditEvent.findMany({
      where,
      orderBy: [...AUDIT_ORDER],
      skip: (query.page - 1) * query.pageSize,
      take: query.pageSize,
    }),
    db().auditEvent.count({ where }),
  ]);
  return { items: rows.map(toAuditEvent), total, page: query.page, pageSize: query.pageSize };
}

/** Matching rows in batches (keyset pagination on at/id), newest first, at most `limit` rows in all. */
export async function* auditRowBatches(
  filters: Partial<TAuditFilters>,
  limit: number,
  batchSize = 1000,
): AsyncGenerator<AuditRow[]> {
  const where = auditWhere(filters);
  let cursor: string | undefined;
  let remaining = limit;
  while (remaining > 0) {
    const take = Math.min(batchSize, remaining);
    const rows: AuditRow[] = await db().auditEvent.findMany({
      where,
      orderBy: [...AUDIT_ORDER],
      take,
      ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
    });
    if (rows.length === 0) return;
    yield rows;
    remaining -= rows.length;
    cursor = rows[rows.length - 1]!.id;
    if (rows.length < take) return;
  }
}
