// Bulk import from CSV (email,name[,role]). Every row is checked on its own first (email, name, role, duplicates
// in the file, accounts that already exist); then all new accounts are created in one transaction, so a crash
// never leaves half an import behind. Each created account gets a temporary password, returned once.
import type { z } from "zod";
import { recordAudit } from "@/server/audit/record";
import type { Ctx } from "@/server/auth/ctx";
import { generatePassword, hashPassword } from "@/server/auth/passwords";
import { db } from "@/server/db/client";
import { AppError, invalid } from "@/server/http/app-error";
import { CsvError, type CsvRecord, parseCsv } from "./csv";
import { type TImportResult, type TImportRow, ZEmail, ZImportRole, ZName } from "./routes";
import { searchTextOf } from "./search-text";

export const IMPORT_MAX_ROWS = 2000;
const HASH_CONCURRENCY = 4;

type Candidate = { row: TImportRow; name: string; role: "STUDENT" | "TEACHER" };

function firstMessage(error: z.ZodError): string {
  return error.issues[0]?.message ?? "Not valid.";
}

function isHeader(record: CsvRecord): boolean {
  return (
    record.fields[0]
      ?.trim()
      .toLowerCase()
      .replace(/[\s_-]/g, "") === "email"
  );
}

/** Checks one record; returns the import row (status "invalid" with a message) or a candidate for creation. */
function checkRecord(record: CsvRecord): Candidate | TImportRow {
  const [rawEmail = "", rawName = "", rawRole = "", ...rest] = record.fields.map((f) => f.trim());
  const base = { line: record.line, email: rawEmail.toLowerCase() };
  if (rest.some((f) => f !== ""))
    return {
      ...base,
      status: "invalid",
      message: `Expected the columns email,name,role but found ${record.fields.length}.`,
    };
  const email = ZEmail.safeParse(rawEmail);
  if (!email.success)
    return {
      ...base,
      status: "invalid",
      message: rawEmail ? `"${rawEmail}" is not a valid email address.` : "The email is missing.",
    };
  const name = ZName.safeParse(rawName);
  if (!name.success)
    return {
      ...base,
      email: email.data,
      status: "invalid",
      message: rawName ? firstMessage(name.error) : "The name is missing.",
    };
  const role = ZImportRole.safeParse(rawRole ? rawRole.toUpperCase() : "STUDENT");
  if (!role.success)
    return {
      ...base,
      email: email.data,
      status: "invalid",
      message: `The role "${rawRole}" is not allowed here; use STUDENT or TEACHER.`,
    };
  return { row: { line: record.line, email: email.data, status: "created" }, name: name.data, role: role.data };
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export async function importUsers(ctx: Ctx, csv: string): Promise<TImportResult> {
  let records: CsvRecord[];
  try {
    records = parseCsv(csv);
  } catch (error) {
    if (error instanceof CsvError) throw invalid({ csv: error.message }, `The CSV could not be read. ${error.message}`);
    throw error;
  }
  if (records[0] && isHeader(records[0])) records = records.slice(1);
  if (records.length === 0)
    throw invalid(
      { csv: "The file has no rows to import." },
      "The CSV has no rows to import. Put one person per line: email,name.",
    );
  if (records.length > IMPORT_MAX_ROWS) {
    throw invalid(
      { csv: `At most ${IMPORT_MAX_ROWS} rows per import.` },
      `The CSV has ${records.length} rows; import at most ${IMPORT_MAX_ROWS} at a time (split the file).`,
    );
  }

  // 1. Check every row on its own, and duplicates within the file.
  const rows: TImportRow[] = [];
  const candidates: Candidate[] = [];
  const seen = new Map<string, number>();
  for (const record of records) {
    const checked = checkRecord(record);
    if (!("row" in checked)) {
      rows.push(checked);
      continue;
    }
    const firstLine = seen.get(checked.row.email);
    if (firstLine !== undefined) {
      checked.row.status = "invalid";
      checked.row.message = `Same email as line ${firstLine}; only the first is imported.`;
      rows.push(checked.row);
      continue;
    }
    seen.set(checked.row.email, checked.row.line);
    rows.push(checked.row);
    candidates.push(checked);
  }

  // 2. Accounts that already exist are skipped.
  const markExisting = (emails: Set<string>) => {
    for (const c of candidates) {
      if (c.row.status === "created" && emails.has(c.row.email)) {
        c.row.status = "exists";
        c.row.message = "An account with this email already exists; it was left unchanged.";
      }
    }
  };
  const existingEmails = async (client: Pick<ReturnType<typeof db>, "user">, emails: string[]) =>
    new Set(
      (await client.user.findMany({ where: { email: { in: emails } }, select: { email: true } })).map((u) => u.email),
    );
  markExisting(
    await existingEmails(
      db(),
      candidates.map((c) => c.row.email),
    ),
  );

  // 3. Passwords are hashed before the transaction (slow on purpose), then all accounts are created at once.
  const toCreate = candidates.filter((c) => c.row.status === "created");
  const prepared = await mapLimit(toCreate, HASH_CONCURRENCY, async (c) => {
    const password = generatePassword();
    return { candidate: c, password, passwordHash: await hashPassword(password) };
  });
  const created = await db().$transaction(
    async (tx) => {
      // Re-checked inside the transaction: someone may have created one of these accounts meanwhile.
      markExisting(
        await existingEmails(
          tx,
          prepared.map((p) => p.candidate.row.email),
        ),
      );
      const ready = prepared.filter((p) => p.candidate.row.status === "created");
      if (ready.length === 0) return [];
      return tx.user.createManyAndReturn({
        data: ready.map((p) => ({
          email: p.candidate.row.email,
          name: p.candidate.name,
          searchText: searchTextOf(p.candidate.row.email, p.candidate.name),
          role: p.candidate.role,
          passwordHash: p.passwordHash,
          mustChangePassword: true,
        })),
        select: { id: true, email: true, role: true },
      });
    },
    { timeout: 60_000 },
  );
  const passwordByEmail = new Map(prepared.map((p) => [p.candidate.row.email, p.password]));
  for (const c of toCreate) {
    if (c.row.status === "created") c.row.temporaryPassword = passwordByEmail.get(c.row.email);
  }
  if (created.length !== toCreate.filter((c) => c.row.status === "created").length) {
    throw new AppError("INTERNAL", "The import created a different number of accounts than expected.");
  }

  const result: TImportResult = {
    created: rows.filter((r) => r.status === "created").length,
    skipped: rows.filter((r) => r.status === "exists").length,
    failed: rows.filter((r) => r.status === "invalid").length,
    rows,
  };
  await recordAudit({
    ...ctx,
    action: "user.import",
    target: null,
    details: { rows: rows.length, created: result.created, skipped: result.skipped, failed: result.failed },
  });
  for (const u of created) {
    await recordAudit({
      ...ctx,
      action: "user.create",
      target: { type: "user", id: u.id, name: u.email },
      details: { role: u.role, source: "import" },
    });
  }
  return result;
}

/** The CSV media types the import accepts (spreadsheets and browsers differ). */
export function isCsvContentType(type: string | null): boolean {
  if (!type) return true;
  return /^(text\/(csv|plain|comma-separated-values)|application\/(csv|vnd\.ms-excel|octet-stream))\b/i.test(type);
}
