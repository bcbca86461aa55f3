// CSV export of the audit trail: RFC 4180 (CRLF line ends, every field with a comma, quote or line break quoted,
// quotes doubled), safe to open in a spreadsheet (a cell starting with = + - @, tab or CR is prefixed with a single
// quote so it is never evaluated as a formula), streamed in batches so 50,000 rows never sit in one string.
import { csvLine } from "@/lib/csv";
import { logger } from "@/server/log";
import { type AuditRow, auditRowBatches } from "./list-audit-events";
import { AUDIT_EXPORT_MAX_ROWS, type TAuditFilters } from "./routes";

export const CSV_COLUMNS = [
  "time",
  "actorId",
  "actorEmail",
  "action",
  "targetType",
  "targetId",
  "targetName",
  "ip",
  "details",
] as const;

export function auditCsvLine(row: AuditRow): string {
  return csvLine([
    row.at.toISOString(),
    row.actorId,
    row.actorEmail,
    row.action,
    row.targetType,
    row.targetId,
    row.targetName,
    row.ip,
    row.details,
  ]);
}

export function auditCsvFilename(now = new Date()): string {
  return `audit-${now.toISOString().slice(0, 10).replace(/-/g, "")}.csv`;
}

/** A byte stream of the CSV: the header row, then one line per matching event. */
export function auditCsvStream(
  filters: Partial<TAuditFilters>,
  limit = AUDIT_EXPORT_MAX_ROWS,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const batches = auditRowBatches(filters, limit);
  let headerSent = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        if (!headerSent) {
          headerSent = true;
          controller.enqueue(encoder.encode(csvLine(CSV_COLUMNS)));
          return;
        }
        const next = await batches.next();
        if (next.done) {
          controller.close();
          return;
        }
        controller.enqueue(encoder.encode(next.value.map(auditCsvLine).join("")));
      } catch (error) {
        logger().error({ err: error }, "[audit] CSV export failed");
        controller.error(error);
      }
    },
    async cancel() {
      await batches.return(undefined);
    },
  });
}

export function auditCsvResponse(filters: Partial<TAuditFilters>, now = new Date()): Response {
  return new Response(auditCsvStream(filters), {
    status: 200,
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${auditCsvFilename(now)}"`,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
