// CPU, memory and disk of the machine the portal runs on (a local Docker daemon's host): read from the kernel
// through Node (os.cpus, os.totalmem/freemem, statfs), no programs run.
import { statfs } from "node:fs/promises";
import { cpus, freemem, totalmem } from "node:os";

export async function localMachineStats(diskPath: string): Promise<{
  cpuSeconds: number;
  memoryUsedBytes: number;
  diskFreeBytes: number | null;
  diskTotalBytes: number | null;
}> {
  // os.cpus() times are milliseconds since boot; idle is what no task used
  const busyMs = cpus().reduce((n, c) => n + c.times.user + c.times.nice + c.times.sys + c.times.irq, 0);
  const disk = await statfs(diskPath).catch(() => statfs("/").catch(() => null));
  return {
    cpuSeconds: busyMs / 1000,
    memoryUsedBytes: totalmem() - freemem(),
    diskFreeBytes: disk ? disk.bavail * disk.bsize : null,
    diskTotalBytes: disk ? disk.blocks * disk.bsize : null,
  };
}
