// The stats a caller may read: a machine's for whoever may use it (others get "not found"), a host's for admins
// (the route's access).
import type { Actor } from "@/server/auth/actor";
import { db } from "@/server/db/client";
import { notFound } from "@/server/http/app-error";
import { loadForActor } from "@/server/machines/machine-core";
import type { THostStats, TMachineStats } from "./routes";
import { hostSamples, machineSamples, statsPeriodSeconds } from "./sampler";

export async function machineStats(actor: Actor, id: string): Promise<TMachineStats> {
  const m = await loadForActor(actor, id);
  return { periodSeconds: statsPeriodSeconds(), samples: await machineSamples(m.id) };
}

export async function hostStats(id: string): Promise<THostStats> {
  const host = await db().host.findUnique({ where: { id }, select: { id: true } });
  if (!host) throw notFound("This host");
  return { periodSeconds: statsPeriodSeconds(), samples: await hostSamples(host.id) };
}
