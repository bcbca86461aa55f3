// Probing a host: the connection test before a host is saved, and the reconciler's periodic probe, which sets
// ONLINE / DEGRADED / OFFLINE with the last error and time; a host going offline marks its machines UNKNOWN (the
// sweep puts them right when it comes back).
import type { Host } from "@/generated/sqlite/client";
import { db } from "@/server/db/client";
import { publish } from "@/server/events/bus";
import { notFound } from "@/server/http/app-error";
import { countHostProbe } from "@/server/metrics/record";
import { forgetProvider, providerFor } from "@/server/providers";
import { REMOTE_WARNING } from "@/server/providers/isolation";
import { ProviderError } from "@/server/providers/types";
import { getHost, publishHost } from "./host-row";
import type { TCreateHost, THostRow } from "./routes";
import { hostTarget } from "./target";

/**
 * DEGRADED when a probe warns of something wrong with the host itself. The note that class-network isolation
 * cannot be applied on a remote host is shown with the host but does not make it degraded: it holds for every
 * remote host, however healthy, and only the admin can act on it there.
 */
export function statusFor(warnings: string[]): "ONLINE" | "DEGRADED" {
  return warnings.some((w) => w !== REMOTE_WARNING) ? "DEGRADED" : "ONLINE";
}

export async function testConnection(
  input: Pick<
    TCreateHost,
    "name" | "kind" | "uri" | "virtType" | "storagePool" | "consoleAddress" | "publishAddress" | "tlsDir"
  >,
) {
  const target = hostTarget({ ...input, id: `test-${Date.now()}`, tlsDir: input.tlsDir ?? null });
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
  countHostProbe(host.name, status);
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

/** An admin's "probe now": probes the host and answers its row. */
export async function probeHostNow(id: string): Promise<THostRow> {
  await probeHost(id);
  return getHost(id);
}
