// Every state-changing action leaves a row in AuditEvent and one JSON line in logs/audit/audit.jsonl.
// Lines are appended through one queue so they never interleave, and flushAudit() lets shutdown wait for them.
import { appendFile, mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { env } from "@/env";
import type { Actor } from "@/server/auth/actor";
import { db } from "@/server/db/client";
import { logger } from "@/server/log";

export type AuditInput = {
  actor?: Pick<Actor, "id" | "email"> | null;
  /** Email typed at a failed sign-in, when there is no actor. */
  actorEmail?: string | null;
  action: string;
  target?: { type: string; id?: string | null; name?: string | null } | null;
  ip?: string | null;
  details?: Record<string, unknown> | null;
};

const globalForAudit = globalThis as unknown as { __labAuditQueue?: Promise<void> };

export function auditLogFile(): string {
  return join(resolve(env().LOG_DIR), "audit", "audit.jsonl");
}

function appendLine(line: string): Promise<void> {
  const file = auditLogFile();
  const next = (globalForAudit.__labAuditQueue ?? Promise.resolve())
    .then(async () => {
      await mkdir(join(file, ".."), { recursive: true });
      await appendFile(file, `${line}\n`, { mode: 0o640 });
    })
    .catch((error) => logger().error({ err: error, file }, "[audit] could not append to the audit log"));
  globalForAudit.__labAuditQueue = next;
  return next;
}

export async function recordAudit(input: AuditInput): Promise<void> {
  const details = input.details ? JSON.stringify(input.details) : null;
  const row = await db().auditEvent.create({
    data: {
      actorId: input.actor?.id ?? null,
      actorEmail: input.actor?.email ?? input.actorEmail ?? null,
      action: input.action,
      targetType: input.target?.type ?? null,
      targetId: input.target?.id ?? null,
      targetName: input.target?.name ?? null,
      ip: input.ip ?? null,
      details,
    },
  });
  void appendLine(
    JSON.stringify({
      id: row.id,
      at: row.at.toISOString(),
      actorId: row.actorId,
      actorEmail: row.actorEmail,
      action: row.action,
      target: input.target ?? null,
      ip: row.ip,
      details: input.details ?? null,
    }),
  );
}

/** Waits until every audit line queued so far is on disk. */
export async function flushAudit(): Promise<void> {
  await globalForAudit.__labAuditQueue;
}
