// Which machine addresses a VPN user may reach: a student their own machines, a teacher their own and those of
// classes they own or co-own, an admin every machine. Used for the firewall and the routes in a profile.

import { ipv4List } from "@/lib/ipv4";
import { db } from "@/server/db/client";

type Who = { id: string; role: string };
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
  const teacherIds = users.filter((u) => u.role === "TEACHER").map((u) => u.id);
  const taught = new Map<string, Set<string>>(); // teacher → class ids
  if (teacherIds.length) {
    const [owned, coOwned] = await Promise.all([
      db().class.findMany({ where: { ownerId: { in: teacherIds } }, select: { id: true, ownerId: true } }),
      db().classCoOwner.findMany({ where: { userId: { in: teacherIds } }, select: { classId: true, userId: true } }),
    ]);
    for (const c of owned) taught.set(c.ownerId, (taught.get(c.ownerId) ?? new Set()).add(c.id));
    for (const c of coOwned) taught.set(c.userId, (taught.get(c.userId) ?? new Set()).add(c.classId));
  }
  for (const u of users) {
    const classes = taught.get(u.id);
    const mine = machines.filter(
      (m) =>
        u.role === "ADMIN" ||
        m.ownerId === u.id ||
        (classes !== undefined && m.classId !== null && classes.has(m.classId)),
    );
    out.set(u.id, [...new Set(mine.flatMap((m) => m.addresses))].sort());
  }
  return out;
}
