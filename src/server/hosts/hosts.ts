// Hosts: register (after a successful connection test), edit, cordon/drain, probe, remove; their rows with
// used capacity. Probing sets ONLINE / DEGRADED / OFFLINE with the last error and time; a host going offline
// marks its machines UNKNOWN (the sweep puts them right when it comes back).
import type { Host } from "@/generated/sqlite/client";
import { recordAudit } from "@/server/audit/record";
import type { Actor } from "@/server/auth/actor";
import { db } from "@/server/db/client";
import { publish } from "@/server/events/bus";
import { AppError, notFound } from "@/server/http/app-error";
import { forgetProvider, providerFor } from "@/server/providers";
import { REMOTE_WARNING } from "@/server/providers/isolation";
import { type HostTarget, ProviderError } from "@/server/providers/types";
import type { TCreateHost, THostRow, TUpdateHost } from "./routes";

/**
 * DEGRADED when a probe warns of something wrong with the host itself. The note that class-network isolation
 * cannot be applied on a remote host is shown with the host but does not make it degraded: it holds for every
 * remote host, however healthy, and only the admin can act on it there.
 */
function statusFor(warnings: string[]): "ONLINE" | "DEGRADED" {
  return warnings.some((w) => w !== REMOTE_WARNING) ? "DEGRADED" : "ONLINE";
}

export function hostTarget(
  h: Pick<
    Host,
    "id" | "name" | "kind" | "uri" | "virtType" | "storagePool" | "consoleAddress" | "publishAddress" | "tlsDir"
  >,
): HostTarget {
  return {
    id: h.id,
    name: h.name,
    kind: h.kind,
    uri: h.uri,
    virtType: h.virtType,
    storagePool: h.storagePool,
    consoleAddress: h.consoleAddress,
    publishAddress: h.publishAddress,
    tlsDir: h.tlsDir,
  };
}

const globalForOrphans = globalThis as unknown as { __labOrphans?: Map<string, string[]> };
export function orphansOf(hostId: string): string[] {
  return globalForOrphans.__labOrphans?.get(hostId) ?? [];
}
export function setOrphans(hostId: string, refs: string[]): void {
  globalForOrphans.__labOrphans ??= new Map();
  globalForOrphans.__labOrphans.set(hostId, refs);
}

export type HostUsage = { vcpus: number; memoryMb: number; diskGb: number; machines: number };

/** Allocated resources per host (every machine that exists or is being made, running or not). */
export async function usageByHost(): Promise<Map<string, HostUsage>> {
  const rows = await db().machine.groupBy({
    by: ["hostId"],
    where: { hostId: { not: null } },
    _sum: { vcpus: true, memoryMb: true, diskGb: true },
    _count: { _all: true },
  });
  return new Map(
    rows.map((r) => [
      r.hostId as string,
      { vcpus: r._sum.vcpus ?? 0, memoryMb: r._sum.memoryMb ?? 0, diskGb: r._sum.diskGb ?? 0, machines: r._count._all },
    ]),
  );
}

export function hostRow(h: Host, used: HostUsage | undefined): THostRow {
  return {
    id: h.id,
    name: h.name,
    kind: h.kind,
    uri: h.uri,
    virtType: h.virtType,
    storagePool: h.storagePool,
    consoleAddress: h.consoleAddress,
    publishAddress: h.publishAddress,
    publicConsoleAddress: h.publicConsoleAddress,
    tlsDir: h.tlsDir,
    vcpus: h.vcpus,
    memoryMb: h.memoryMb,
    diskGb: h.diskGb,
    maxMachines: h.maxMachines,
    status: h.status,
    statusDetail: h.statusDetail,
    lastSeenAt: h.lastSeenAt?.toISOString() ?? null,
    lastError: h.lastError,
    lastErrorAt: h.lastErrorAt?.toISOString() ?? null,
    cordoned: h.cordoned,
    draining: h.draining,
    used: used ?? { vcpus: 0, memoryMb: 0, diskGb: 0, machines: 0 },
    orphans: orphansOf(h.id),
    createdAt: h.createdAt.toISOString(),
  };
}

export async function listHosts(): Promise<{ items: THostRow[] }> {
  const [hosts, usage] = await Promise.all([db().host.findMany({ orderBy: { name: "asc" } }), usageByHost()]);
  return { items: hosts.map((h) => hostRow(h, usage.get(h.id))) };
}

export async function getHost(id: string): Promise<THostRow> {
  const host = await db().host.findUnique({ where: { id } });
  if (!host) throw notFound("This host");
  return hostRow(host, (await usageByHost()).get(id));
}

export async function testConnection(
  input: Pick<
    TCreateHost,
    "name" | "kind" | "uri" | "virtType" | "storagePool" | "consoleAddress" | "publishAddress" | "tlsDir"
  >,
) {
  const target = hostTarget({
    id: `test-${Date.now()}`,
    name: input.name,
    kind: input.kind,
    uri: input.uri,
    virtType: input.virtType,
    storagePool: input.storagePool,
    consoleAddress: input.consoleAddress,
    publishAddress: input.publishAddress,
    tlsDir: input.tlsDir ?? null,
  });
  try {
    const probe = await providerFor(target).probe();
    return { ok: true, version: probe.version, vcpus: probe.vcpus, memoryMb: probe.memoryMb, warnings: probe.warnings };
  } catch (error) {
    return {
      ok: false,
      warnings: [],
      error: error instanceof ProviderError ? error.message : `The connection test failed: ${(error as Error).message}`,
    };
  } finally {
    forgetProvider(target.id);
  }
}

export async function createHost(actor: Actor, input: TCreateHost, ip: string | null): Promise<THostRow> {
  if (await db().host.findUnique({ where: { name: input.name } }))
    throw new AppError("CONFLICT", `A host named "${input.name}" exists already.`, {
      fields: { name: "Choose another name." },
    });
  const test = await testConnection(input);
  if (!test.ok)
    throw new AppError("HOST_UNREACHABLE", test.error ?? "The connection test failed.", {
      fields: { uri: test.error ?? "The connection test failed." },
    });
  const host = await db().host.create({
    data: {
      name: input.name,
      kind: input.kind,
      uri: input.uri,
      virtType: input.virtType,
      storagePool: input.storagePool,
      consoleAddress: input.consoleAddress,
      publishAddress: input.publishAddress,
      publicConsoleAddress: input.publicConsoleAddress ?? null,
      tlsDir: input.tlsDir ?? null,
      vcpus: input.vcpus,
      memoryMb: input.memoryMb,
      diskGb: input.diskGb,
      maxMachines: input.maxMachines,
      status: statusFor(test.warnings),
      statusDetail: test.warnings.join(" ") || null,
      lastSeenAt: new Date(),
    },
  });
  await recordAudit({
    actor,
    action: "host.create",
    target: { type: "host", id: host.id, name: host.name },
    ip,
    details: { kind: host.kind, uri: host.uri },
  });
  publishHost(host.id);
  return hostRow(host, undefined);
}

export async function updateHost(actor: Actor, id: string, input: TUpdateHost, ip: string | null): Promise<THostRow> {
  const before = await db().host.findUnique({ where: { id } });
  if (!before) throw notFound("This host");
  if (input.name && input.name !== before.name && (await db().host.findUnique({ where: { name: input.name } })))
    throw new AppError("CONFLICT", `A host named "${input.name}" exists already.`, {
      fields: { name: "Choose another name." },
    });
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
  await recordAudit({ actor, action, target: { type: "host", id, name: host.name }, ip, details: changes });
  publishHost(id);
  return getHost(id);
}

export async function deleteHost(actor: Actor, id: string, ip: string | null): Promise<void> {
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
  await recordAudit({ actor, action: "host.delete", target: { type: "host", id, name: host.name }, ip });
  publishHost(id);
}

/** Probes one host and records the result; returns the new status. */
export async function probeHost(id: string): Promise<Host["status"]> {
  const host = await db().host.findUnique({ where: { id } });
  if (!host) throw notFound("This host");
  const started = Date.now();
  let status: Host["status"];
  try {
    const probe = await providerFor(hostTarget(host)).probe();
    const slow = Date.now() - started > 10_000;
    const warnings = [
      ...probe.warnings,
      ...(slow ? [`Slow to answer (${Math.round((Date.now() - started) / 1000)} s).`] : []),
    ];
    status = statusFor(warnings);
    await db().host.update({
      where: { id },
      data: { status, statusDetail: warnings.join(" ") || `${probe.version}`, lastSeenAt: new Date() },
    });
  } catch (error) {
    status = "OFFLINE";
    const message = error instanceof ProviderError ? error.message : (error as Error).message;
    await db().host.update({
      where: { id },
      data: { status, statusDetail: null, lastError: message, lastErrorAt: new Date() },
    });
    if (host.status !== "OFFLINE") await markMachinesUnknown(id, `Host ${host.name} is offline: ${message}`);
  }
  if (status !== host.status) publishHost(id);
  return status;
}

async function markMachinesUnknown(hostId: string, reason: string) {
  const busy = ["DELETING"];
  const machines = await db().machine.findMany({
    where: { hostId, state: { notIn: busy } },
    select: { id: true, ownerId: true },
  });
  if (machines.length === 0) return;
  await db().machine.updateMany({
    where: { hostId, state: { notIn: busy } },
    data: { state: "UNKNOWN", stateDetail: reason },
  });
  for (const m of machines)
    publish({
      type: "machine.updated",
      audience: { userIds: m.ownerId ? [m.ownerId] : [], roles: ["ADMIN"] },
      data: { id: m.id, state: "UNKNOWN", stateDetail: reason },
    });
}

function publishHost(id: string) {
  publish({ type: "host.updated", audience: { roles: ["ADMIN"] }, data: { id } });
}
