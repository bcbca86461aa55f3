// Templates installed by hand: a blank disk plus an uploaded ISO in a CD drive, installed through the console,
// then "convert to template" copies the stopped machine's disk into the template's image and removes the
// installation machine and the ISO.
import { mkdir, open, rename, rm, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { env } from "@/env";
import type { Actor } from "@/server/auth/actor";
import type { Ctx } from "@/server/auth/ctx";
import { withClusterLock } from "@/server/cluster/lock";
import { db } from "@/server/db/client";
import { placeMachines } from "@/server/hosts/placement";
import { hostTarget } from "@/server/hosts/target";
import { AppError, invalid } from "@/server/http/app-error";
import { machineAction } from "@/server/machines/actions";
import { loadMachine, machineSpec, publishMachine, publishMachineDeleted } from "@/server/machines/machine-core";
import { removeFromHost } from "@/server/machines/provision";
import { providerFor } from "@/server/providers";
import { names } from "@/server/providers/types";
import { inspectImage } from "./image-check";
import type { TTemplateRow } from "./routes";
import { include, loadEditable, setReadyImage, templateChanged } from "./template-core";
import { receiveUpload } from "./upload";

async function editable(actor: Actor, id: string) {
  const t = await loadEditable(actor, id, "change it");
  if (t.kind !== "LIBVIRT") throw invalid({ file: "Only virtual-machine templates are installed from an ISO." });
  return t;
}

/** An ISO 9660 image has "CD001" at byte 32769 (sector 16, after the type byte). */
export async function isIso9660(path: string): Promise<boolean> {
  const fh = await open(path, "r");
  try {
    const buf = Buffer.alloc(5);
    const { bytesRead } = await fh.read(buf, 0, 5, 32769);
    return bytesRead === 5 && buf.toString("latin1") === "CD001";
  } finally {
    await fh.close();
  }
}

export async function uploadTemplateIso(ctx: Ctx, id: string, req: Request): Promise<TTemplateRow> {
  const t = await editable(ctx.actor, id);
  if (t.imagePath)
    throw new AppError(
      "CONFLICT",
      "This template already has a disk image; installing from an ISO is for new templates.",
    );
  if (t.installMachineId) throw new AppError("CONFLICT", "An installation is running; convert or delete it first.");
  const upload = await receiveUpload(req, ctx.actor.id, t.id);
  try {
    if (!(await isIso9660(upload.path)))
      throw invalid({ file: "This file is not an ISO 9660 image (an installer .iso)." });
    const dir = join(resolve(env().DATA_DIR), "images");
    await mkdir(dir, { recursive: true });
    const isoPath = join(dir, `iso-${t.id}.iso`);
    await rename(upload.path, isoPath);
    const updated = await db().template.update({
      where: { id },
      data: {
        isoPath,
        statusDetail:
          "Installer ISO uploaded. Start the installation, install through the console, shut the machine down, then convert.",
      },
      include,
    });
    return await templateChanged(ctx, "template.iso", updated, { bytes: upload.bytes });
  } finally {
    await rm(upload.path, { force: true });
  }
}

export async function startInstall(ctx: Ctx, id: string): Promise<TTemplateRow> {
  const { actor } = ctx;
  const t = await editable(actor, id);
  if (!t.isoPath) throw invalid({ file: "Upload an installer ISO first." });
  if (t.installMachineId) throw new AppError("CONFLICT", "An installation machine exists already.");
  const needs = { vcpus: t.vcpus, memoryMb: t.memoryMb, diskGb: t.diskGb };
  const machine = await withClusterLock("placement", async () => {
    const [host] = await placeMachines("LIBVIRT", needs, 1);
    return db().machine.create({
      data: {
        name: `install ${t.name}`.slice(0, 60),
        ownerId: actor.id,
        templateId: t.id,
        hostId: (host as { id: string }).id,
        kind: "LIBVIRT",
        role: "INSTALL",
        state: "PROVISIONING",
        stateDetail: "Preparing the installer…",
        vcpus: t.vcpus,
        memoryMb: t.memoryMb,
        diskGb: t.diskGb,
      },
    });
  });
  await db().template.update({
    where: { id },
    data: {
      status: "INSTALLING",
      installMachineId: machine.id,
      statusDetail: "Installing: open the machine's console.",
    },
  });
  try {
    const m = await loadMachine(machine.id);
    const provider = providerFor(hostTarget(m.host as NonNullable<typeof m.host>));
    if (!provider.importIso) throw new AppError("VALIDATION_FAILED", "This host cannot install from an ISO.");
    await provider.importIso(t.id, t.isoPath);
    const created = await provider.create(machineSpec(m, m.template as NonNullable<typeof m.template>, null));
    const ready = await db().machine.update({
      where: { id: m.id },
      data: { state: "STOPPED", stateDetail: null, providerRef: created.ref, diskVolume: created.diskVolume },
    });
    publishMachine(ready);
    await machineAction(ctx, m.id, "start", {});
  } catch (error) {
    await abandonInstall(t.id, machine.id);
    throw error;
  }
  const installing = await db().template.findUniqueOrThrow({ where: { id }, include });
  return templateChanged(ctx, "template.install", installing, { machineId: machine.id });
}

async function abandonInstall(templateId: string, machineId: string) {
  const m = await db().machine.findUnique({ where: { id: machineId }, include: { host: true } });
  if (m?.host) {
    await removeFromHost(m.id).catch(() => undefined);
    await providerFor(hostTarget(m.host))
      .removeVolume?.(names.isoVolume(templateId))
      .catch(() => undefined);
  }
  if (m) {
    await db().machine.delete({ where: { id: m.id } });
    publishMachineDeleted(m);
  }
  await db().template.update({ where: { id: templateId }, data: { status: "DRAFT", installMachineId: null } });
}

export async function convertToTemplate(ctx: Ctx, id: string): Promise<TTemplateRow> {
  const t = await editable(ctx.actor, id);
  if (!t.installMachineId) throw new AppError("INVALID_STATE", "There is no installation machine to convert.");
  const m = await loadMachine(t.installMachineId);
  if (m.state !== "STOPPED")
    throw new AppError("INVALID_STATE", "Shut the installation machine down first (from inside the guest, or Stop).");
  const host = m.host as NonNullable<typeof m.host>;
  const provider = providerFor(hostTarget(host));
  if (!provider.exportDisk) throw new AppError("VALIDATION_FAILED", "This host cannot export disks.");
  const dir = join(resolve(env().DATA_DIR), "images");
  await mkdir(dir, { recursive: true });
  const part = join(dir, `tpl-${t.id}.qcow2.part`);
  try {
    await provider.exportDisk(m.id, part);
    const info = await inspectImage(part);
    const imagePath = join(dir, `tpl-${t.id}.${info.format}`);
    await rename(part, imagePath);
    await abandonInstall(t.id, m.id);
    if (t.isoPath) await rm(t.isoPath, { force: true });
    const { size } = await stat(imagePath);
    const updated = await setReadyImage(
      id,
      { imagePath, imageFormat: info.format, imageBytes: BigInt(size) },
      { isoPath: null, installMachineId: null },
    );
    return await templateChanged(ctx, "template.convert", updated, { bytes: size });
  } finally {
    await rm(part, { force: true });
  }
}
