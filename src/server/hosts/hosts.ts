// Hosts: register (after a successful connection test, probe.ts), edit, cordon/drain, remove. Rows: host-row.ts.
import { recordAudit } from "@/server/audit/record";
import type { Ctx } from "@/server/auth/ctx";
import { db } from "@/server/db/client";
import { AppError, notFound } from "@/server/http/app-error";
import { forgetProvider } from "@/server/providers";
import { getHost, hostRow, publishHost } from "./host-row";
import { statusFor, testConnection } from "./probe";
import type { TCreateHost, THostRow, TUpdateHost } from "./routes";

const nameTaken = (name: string) =>
  new AppError("CONFLICT", `A host named "${name}" exists already.`, { fields: { name: "Choose another name." } });

export async function createHost(ctx: Ctx, input: TCreateHost): Promise<THostRow> {
  if (await db().host.findUnique({ where: { name: input.name } })) throw nameTaken(input.name);
  const test = await testConnection(input);
  if (!test.ok)
    throw new AppError("HOST_UNREACHABLE", test.error ?? "The connection test failed.", {
      fields: { uri: test.error ?? "The connection test failed." },
    });
  const host = await db().host.create({
    data: {
      ...input, // the schema's fields only (zod drops the rest)
      publicConsoleAddress: input.publicConsoleAddress ?? null,
      tlsDir: input.tlsDir ?? null,
      status: statusFor(test.warnings),
      statusDetail: test.warnings.join(" ") || null,
      lastSeenAt: new Date(),
    },
  });
  await recordAudit({
    actor: ctx.actor,
    action: "host.create",
    target: { type: "host", id: host.id, name: host.name },
    ip: ctx.ip,
    details: { kind: host.kind, uri: host.uri },
  });
  publishHost(host.id);
  return hostRow(host, undefined);
}

export async function updateHost(ctx: Ctx, id: string, input: TUpdateHost): Promise<THostRow> {
  const before = await db().host.findUnique({ where: { id } });
  if (!before) throw notFound("This host");
  if (input.name && input.name !== before.name && (await db().host.findUnique({ where: { name: input.name } })))
    throw nameTaken(input.name);
  const host = await db().host.update({ where: { id }, data: input });
  forgetProvider(id);
  const changes = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
  const action =
    input.draining === true
      ? "host.drain"
      : input.cordoned === true
        ? "host.cordon"
        : input.cordoned === false
          ? "host.uncordon"
          : "host.update";
  await recordAudit({ ...ctx, action, target: { type: "host", id, name: host.name }, details: changes });
  publishHost(id);
  return getHost(id);
}

export async function deleteHost(ctx: Ctx, id: string): Promise<void> {
  const host = await db().host.findUnique({ where: { id } });
  if (!host) throw notFound("This host");
  const machines = await db().machine.count({ where: { hostId: id } });
  if (machines > 0)
    throw new AppError(
      "IN_USE",
      `Host ${host.name} still has ${machines} machine${machines === 1 ? "" : "s"}. Drain it and delete or move them first.`,
    );
  await db().host.delete({ where: { id } });
  forgetProvider(id);
  await recordAudit({ ...ctx, action: "host.delete", target: { type: "host", id, name: host.name } });
  publishHost(id);
}
