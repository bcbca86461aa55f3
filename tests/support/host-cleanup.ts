// After a test run: removes from libvirt and Docker every machine the run's database knows, so a failed test
// never leaves domains, disks or containers behind (they would slow every later run on the same machine).
import { execFileSync } from "node:child_process";
import { createDb } from "@/server/db/client";

function quiet(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 30_000 });
  } catch {
    return "";
  }
}

export async function removeMachinesOf(databaseUrl: string): Promise<number> {
  const db = createDb(databaseUrl);
  let ids: string[] = [];
  let classIds: string[] = [];
  try {
    ids = (await db.machine.findMany({ select: { id: true } })).map((m) => m.id);
    classIds = (await db.class.findMany({ select: { id: true } })).map((c) => c.id);
  } catch {
    return 0;
  } finally {
    await db.$disconnect().catch(() => undefined);
  }
  removeClassLeftovers(classIds, ids);
  if (ids.length === 0) return 0;
  const pools = quiet("virsh", ["-q", "-c", "qemu:///system", "pool-list", "--all", "--name"])
    .split("\n")
    .map((s) => s.trim())
    .filter(Boolean);
  for (const id of ids) {
    const domain = `lp-${id}`;
    quiet("virsh", ["-c", "qemu:///system", "destroy", domain]);
    quiet("virsh", ["-c", "qemu:///system", "undefine", domain]);
    for (const pool of pools) {
      for (const vol of [`${domain}.qcow2`, `${domain}-data.qcow2`])
        quiet("virsh", ["-c", "qemu:///system", "vol-delete", "--pool", pool, vol]);
    }
    quiet("docker", ["rm", "-f", "-v", domain]);
  }
  return ids.length;
}

/** Class networks, published class images and kept disks (images) of the run's classes and machines. */
function removeClassLeftovers(classIds: string[], machineIds: string[]): void {
  for (const id of classIds) {
    const network = `lpc-${id.slice(-10)}`;
    quiet("docker", ["network", "rm", network]);
    quiet("virsh", ["-c", "qemu:///system", "net-destroy", network]);
    quiet("virsh", ["-c", "qemu:///system", "net-undefine", network]);
  }
  const images = quiet("docker", ["images", "--format", "{{.Repository}}:{{.Tag}}"]).split("\n");
  const mine = images.filter(
    (ref) =>
      classIds.some((id) => ref.startsWith(`labportal/class-${id.toLowerCase()}:`)) ||
      machineIds.some((id) => ref.startsWith(`labportal/kept:lp-kept-${id}-`)),
  );
  if (mine.length) quiet("docker", ["rmi", "-f", ...mine]);
}
