// My labs: the caller's machines (class machines and personal ones), with their class.
import type { Actor } from "@/server/auth/actor";
import { db } from "@/server/db/client";
import { machineInclude, machineRow } from "@/server/machines/machine-core";
import { rdpReach } from "@/server/rdp/reach";

/** My lab machines: class machines and personal ones, with their class. */
export async function myLabs(actor: Actor) {
  const machines = await db().machine.findMany({
    where: { ownerId: actor.id, role: { not: "INSTALL" } },
    include: {
      ...machineInclude,
      class: {
        select: {
          id: true,
          name: true,
          ownerId: true,
          isolatedNetwork: true,
          hoursPerStudent: true,
          idleMinutes: true,
          coOwners: { select: { userId: true } },
        },
      },
    },
    orderBy: [{ createdAt: "asc" }],
  });
  const reach = await rdpReach();
  return {
    items: machines.map((m) => ({
      machine: machineRow(m, actor, reach),
      class: m.class
        ? {
            id: m.class.id,
            name: m.class.name,
            hoursPerStudent: m.class.hoursPerStudent,
            idleMinutes: m.class.idleMinutes,
          }
        : null,
    })),
  };
}
