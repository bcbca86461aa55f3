// Registers this machine's libvirt and Docker as hosts and adds the demo templates (idempotent). Run by the
// quick start after the portal has migrated the database:  npx tsx scripts/seed-demo.ts
//   LAB_ASSETS (default /var/lib/lab-portal/assets): guest.qcow2 and virt-type from scripts/setup-services.sh
import { copyFile, mkdir, readFile, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { env } from "@/env";
import { db } from "@/server/db/client";
import { migrate } from "@/server/db/migrate";
import { providerFor } from "@/server/providers";
import { inspectImage } from "@/server/templates/image-check";

const assets = process.env.LAB_ASSETS ?? "/var/lib/lab-portal/assets";
const log = (line: string) => console.log(`  ${line}`);

async function ensureHost(name: string, kind: "LIBVIRT" | "DOCKER", uri: string, virtType: string) {
  const existing = await db().host.findUnique({ where: { name } });
  if (existing) return existing;
  const probe = await providerFor({
    id: `seed-${name}`,
    name,
    kind,
    uri,
    virtType,
    storagePool: "lab-portal",
    consoleAddress: "127.0.0.1",
    publishAddress: "127.0.0.1",
    tlsDir: null,
  }).probe();
  const host = await db().host.create({
    data: {
      name,
      kind,
      uri,
      virtType,
      vcpus: probe.vcpus * 4,
      memoryMb: probe.memoryMb,
      diskGb: 200,
      maxMachines: 60,
      status: probe.warnings.length ? "DEGRADED" : "ONLINE",
      statusDetail: probe.warnings.join(" ") || probe.version,
      lastSeenAt: new Date(),
    },
  });
  log(`✓ host ${name} (${uri}, ${probe.version})`);
  return host;
}

async function main() {
  await migrate(env().DATABASE_URL);
  const admin = await db().user.findFirst({ where: { role: "ADMIN" }, orderBy: { createdAt: "asc" } });
  const virtType =
    (await readFile(join(assets, "virt-type"), "utf8").catch(() => "qemu")).trim() === "kvm" ? "kvm" : "qemu";
  await ensureHost("local-kvm", "LIBVIRT", "qemu:///system", virtType);
  await ensureHost("local-docker", "DOCKER", "unix:///var/run/docker.sock", "");

  if (!(await db().template.findFirst({ where: { name: "Demo Linux VM" } }))) {
    const source = join(assets, "guest.qcow2");
    await stat(source);
    const info = await inspectImage(source);
    const t = await db().template.create({
      data: {
        name: "Demo Linux VM",
        description:
          "A tiny Linux (Debian kernel + BusyBox) that boots to a shell on the screen. Good for trying consoles.",
        kind: "LIBVIRT",
        ownerId: admin?.id ?? null,
        status: "READY",
        vcpus: 1,
        memoryMb: 128,
        diskGb: 1,
        consoleKinds: "vnc,spice",
      },
    });
    const dir = join(resolve(env().DATA_DIR), "images");
    await mkdir(dir, { recursive: true });
    const imagePath = join(dir, `tpl-${t.id}.${info.format}`);
    await copyFile(source, imagePath);
    await db().template.update({
      where: { id: t.id },
      data: { imagePath, imageFormat: info.format, imageBytes: BigInt((await stat(imagePath)).size) },
    });
    log("✓ template Demo Linux VM");
  }
  if (!(await db().template.findFirst({ where: { name: "Demo container" } }))) {
    await db().template.create({
      data: {
        name: "Demo container",
        description: "Debian with a shell and SSH (user student).",
        kind: "DOCKER",
        ownerId: admin?.id ?? null,
        status: "READY",
        dockerImage: "labportal/test-ssh:latest",
        shell: "/bin/bash",
        vcpus: 1,
        memoryMb: 256,
        diskGb: 1,
        consoleKinds: "exec,ssh",
        sshUser: "student",
      },
    });
    log("✓ template Demo container");
  }
  if (!(await db().template.findFirst({ where: { name: "Demo desktop (RDP)" } }))) {
    await db().template.create({
      data: {
        name: "Demo desktop (RDP)",
        description:
          "Debian with xrdp: a small Openbox desktop over Remote Desktop (port 3389) and SSH (user student, password student).",
        kind: "DOCKER",
        ownerId: admin?.id ?? null,
        status: "READY",
        dockerImage: "labportal/demo-rdp:latest",
        shell: "/bin/bash",
        vcpus: 1,
        memoryMb: 256,
        diskGb: 1,
        consoleKinds: "exec,ssh,rdp",
        sshUser: "student",
        rdpPort: 3389,
      },
    });
    log("✓ template Demo desktop (RDP)");
  }
  await db().$disconnect();
}

main().catch((error) => {
  console.error("seed-demo failed:", error);
  process.exit(1);
});
