// Which machine addresses a VPN user may reach: a student their own machines, a teacher their own and those of
// classes they own or co-own, an admin every machine. Used for the firewall and the routes in a profile.

import { ipv4List } from "@/lib/ipv4";
import { classIdsTaughtBy, isTeacher, mayReachMachine, type Who } from "@/server/auth/permissions";
import { db } from "@/server/db/client";

type MachineAddr = { id: string; ownerId: string | null; classId: string | null; addresses: string[] };

async function machinesWithAddresses(): Promise<MachineAddr[]> {
  const rows = await db().machine.findMany({
    where: { ipAddresses: { not: null }, state: { not: "DELETING" } },
    select: { id: true, ownerId: true, classId: true, ipAddresses: true },
  });
  return rows
    .map((m) => ({ id: m.id, ownerId: m.ownerId, classId: m.classId, addresses: ipv4List(m.ipAddresses) }))
    .filter((m) => m.addresses.length > 0);
}

/** For each user: the IPv4 addresses of the machines they may use. */
export async function reachableAddresses(users: Who[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (users.length === 0) return out;
  const machines = await machinesWithAddresses();
  const taught = await classIdsTaughtBy(users.filter(isTeacher).map((u) => u.id)); // teacher → class ids
  for (const u of users) {
    const mine = machines.filter((m) => mayReachMachine(u, m, taught.get(u.id)));
    out.set(u.id, [...new Set(mine.flatMap((m) => m.addresses))].sort());
  }
  return out;
}
