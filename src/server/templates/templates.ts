// Templates: list/create/edit/delete, and the disk-image upload (streamed to a per-user folder, never held in
// memory, size-limited, checked with qemu-img, then moved into data/images).
import { createWriteStream } from "node:fs";
import { mkdir, open, rename, rm, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { env } from "@/env";
import type { Template } from "@/generated/sqlite/client";
import { parseCapabilities } from "@/lib/docker-capabilities";
import { recordAudit } from "@/server/audit/record";
import type { Actor } from "@/server/auth/actor";
import { mayEditTemplate, mayUseTemplate, usableTemplatesWhere } from "@/server/auth/permissions";
import { db } from "@/server/db/client";
import { publish } from "@/server/events/bus";
import { hostTarget } from "@/server/hosts/hosts";
import { AppError, invalid, notFound } from "@/server/http/app-error";
import { providerFor } from "@/server/providers";
import { CommandError, run } from "@/server/providers/exec";
import { ProviderError } from "@/server/providers/types";
import { checkInfo, convertToStandalone, type DetectedFormat, detectImageFormat, qemuInfo } from "./image-check";
import type { TCreateTemplate, TTemplateRow, TUpdateTemplate } from "./routes";

type Row = Template & { owner: { id: string; name: string } | null; _count: { machines: number } };
export const include = { owner: { select: { id: true, name: true } }, _count: { select: { machines: true } } } as const;

export function templateRow(t: Row, actor: Actor): TTemplateRow {
  return {
    id: t.id,
    name: t.name,
    description: t.description,
    kind: t.kind,
    status: t.status,
    statusDetail: t.statusDetail,
    owner: t.owner,
    imageFormat: t.imageFormat,
    imageBytes: t.imageBytes === null ? null : Number(t.imageBytes),
    dockerImage: t.dockerImage,
    dockerCommand: t.dockerCommand ? (JSON.parse(t.dockerCommand) as string[]) : null,
    dockerCapabilities: parseCapabilities(t.dockerCapabilities),
    shell: t.shell,
    vcpus: t.vcpus,
    memoryMb: t.memoryMb,
    diskGb: t.diskGb,
    osType: t.osType,
    consoleKinds: t.consoleKinds.split(",").filter(Boolean),
    sshUser: t.sshUser,
    sshPort: t.sshPort,
    rdpPort: t.rdpPort,
    keepDataDisk: t.keepDataDisk,
    isoUploaded: Boolean(t.isoPath),
    installMachineId: t.installMachineId,
    machines: t._count.machines,
    canEdit: mayEditTemplate(actor, t),
    createdAt: t.createdAt.toISOString(),
  };
}

async function loadTemplate(id: string): Promise<Row> {
  const t = await db().template.findUnique({ where: { id }, include });
  if (!t) throw notFound("This template");
  return t;
}

export async function loadVisible(actor: Actor, id: string): Promise<Row> {
  const t = await loadTemplate(id);
  if (!mayUseTemplate(actor, t)) throw notFound("This template");
  return t;
}

export async function listTemplates(actor: Actor): Promise<{ items: TTemplateRow[] }> {
  // a class's published bases belong to the class and are not offered as templates
  const where = { classId: null, ...usableTemplatesWhere(actor) };
  const rows = await db().template.findMany({ where, include, orderBy: { name: "asc" } });
  return { items: rows.map((t) => templateRow(t, actor)) };
}

export async function getTemplate(actor: Actor, id: string): Promise<TTemplateRow> {
  return templateRow(await loadVisible(actor, id), actor);
}

/** Checks that a Docker image exists on at least one reachable Docker host. */
async function dockerImageAvailable(image: string): Promise<string | null> {
  const hosts = await db().host.findMany({ where: { kind: "DOCKER", status: { in: ["ONLINE", "DEGRADED"] } } });
  if (hosts.length === 0) return "No Docker host is online. An admin adds one under Hosts.";
  const reasons: string[] = [];
  for (const host of hosts) {
    try {
      await providerFor(hostTarget(host)).prepareTemplate({ id: "check", dockerImage: image });
      return null;
    } catch (error) {
      reasons.push(error instanceof ProviderError ? error.message : String(error));
    }
  }
  return reasons.join(" ");
}

export async function createTemplate(actor: Actor, input: TCreateTemplate, ip: string | null): Promise<TTemplateRow> {
  if (input.kind === "DOCKER" && input.dockerImage) {
    const problem = await dockerImageAvailable(input.dockerImage);
    if (problem) throw invalid({ dockerImage: problem }, problem);
  }
  const t = await db().template.create({
    data: {
      name: input.name,
      description: input.description,
      kind: input.kind,
      ownerId: actor.id,
      status: input.kind === "DOCKER" ? "READY" : "DRAFT",
      statusDetail: input.kind === "DOCKER" ? null : "Upload a disk image (qcow2 or raw) to finish this template.",
      dockerImage: input.kind === "DOCKER" ? (input.dockerImage ?? null) : null,
      dockerCommand: input.dockerCommand?.length ? JSON.stringify(input.dockerCommand) : null,
      dockerCapabilities:
        input.kind === "DOCKER" && input.dockerCapabilities?.length
          ? [...new Set(input.dockerCapabilities)].join(",")
          : null,
      shell: input.shell,
      vcpus: input.vcpus,
      memoryMb: input.memoryMb,
      diskGb: input.diskGb,
      osType: input.osType,
      consoleKinds: input.consoleKinds.join(","),
      sshUser: input.sshUser ?? null,
      sshPort: input.sshPort,
      rdpPort: input.rdpPort,
      keepDataDisk: input.keepDataDisk,
    },
    include,
  });
  await recordAudit({
    actor,
    action: "template.create",
    target: { type: "template", id: t.id, name: t.name },
    ip,
    details: { kind: t.kind },
  });
  publishTemplate(t.id);
  return templateRow(t, actor);
}

export async function updateTemplate(
  actor: Actor,
  id: string,
  input: TUpdateTemplate,
  ip: string | null,
): Promise<TTemplateRow> {
  const before = await loadVisible(actor, id);
  if (!mayEditTemplate(actor, before))
    throw new AppError("FORBIDDEN", "Only the template's owner or an admin can change it.");
  if (input.dockerImage && before.kind !== "DOCKER")
    throw invalid({ dockerImage: "Only Docker templates have an image name." });
  if (input.dockerImage) {
    const problem = await dockerImageAvailable(input.dockerImage);
    if (problem) throw invalid({ dockerImage: problem }, problem);
  }
  const { consoleKinds, dockerCommand, dockerCapabilities, ...rest } = input;
  if (dockerCapabilities?.length && before.kind !== "DOCKER")
    throw invalid({
      dockerCapabilities: "Only Docker templates have capabilities; a VM is isolated by its hypervisor.",
    });
  if (dockerCommand !== undefined && before.kind !== "DOCKER")
    throw invalid({ dockerCommand: "Only Docker templates have a command." });
  const t = await db().template.update({
    where: { id },
    data: {
      ...rest,
      ...(consoleKinds ? { consoleKinds: consoleKinds.join(",") } : {}),
      ...(dockerCommand !== undefined
        ? { dockerCommand: dockerCommand?.length ? JSON.stringify(dockerCommand) : null }
        : {}),
      ...(dockerCapabilities !== undefined
        ? { dockerCapabilities: dockerCapabilities?.length ? [...new Set(dockerCapabilities)].join(",") : null }
        : {}),
    },
    include,
  });
  await recordAudit({
    actor,
    action: "template.update",
    target: { type: "template", id, name: t.name },
    ip,
    details: Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)),
  });
  publishTemplate(id);
  return templateRow(t, actor);
}

export async function deleteTemplate(actor: Actor, id: string, ip: string | null): Promise<void> {
  const t = await loadVisible(actor, id);
  if (!mayEditTemplate(actor, t))
    throw new AppError("FORBIDDEN", "Only the template's owner or an admin can delete it.");
  if (t._count.machines > 0)
    throw new AppError(
      "IN_USE",
      `${t._count.machines} machine${t._count.machines === 1 ? " uses" : "s use"} this template. Delete them first.`,
    );
  await removeFromHosts(id);
  await db().template.delete({ where: { id } });
  if (t.imagePath) await rm(t.imagePath, { force: true });
  await recordAudit({ actor, action: "template.delete", target: { type: "template", id, name: t.name }, ip });
  publishTemplate(id);
}

async function removeFromHosts(templateId: string) {
  const copies = await db().templateHost.findMany({ where: { templateId }, include: { host: true } });
  for (const c of copies) {
    await providerFor(hostTarget(c.host))
      .removeTemplate(c.volume)
      .catch((error) =>
        console.warn(`[templates] could not remove ${c.volume} from ${c.host.name}:`, (error as Error).message),
      );
    await db().templateHost.delete({ where: { templateId_hostId: { templateId, hostId: c.hostId } } });
  }
}

/** A file name a person chose, reduced to something safe for a path component. */
export function safeFileName(name: string | null): string {
  const base = (name ?? "image").split(/[\\/]/).pop() ?? "image";
  const cleaned = base
    .normalize("NFKD")
    .replace(/[^\w.-]+/g, "_")
    .replace(/^[.]+/, "")
    .slice(0, 100);
  return cleaned || "image";
}

type ImageInfo = { format: DetectedFormat; virtualSize: number };

/**
 * Checks an image with qemu-img; throws a 422 with the reason when it is not a usable, self-contained disk. The
 * format comes from the file's header (image-check.ts), never from qemu-img's probing, and a qcow2 that names a
 * backing or data file is refused before qemu-img opens it.
 */
export async function inspectImage(path: string): Promise<ImageInfo> {
  const format = await detectImageFormat(path);
  const virtualSize = checkInfo(await qemuInfo(path, format), format);
  if (format === "qcow2") {
    try {
      await run("qemu-img", ["check", "-q", "-f", "qcow2", path], { timeoutMs: 10 * 60_000 });
    } catch (error) {
      const text = error instanceof CommandError ? error.stderr.trim() : "";
      throw invalid(
        { file: "The qcow2 image is damaged or truncated." },
        `The qcow2 image is damaged or truncated${text ? `: ${text.split("\n")[0]}` : "."}`,
      );
    }
  } else {
    const size = (await stat(path)).size;
    if (size < 1024 * 1024 || size % 512 !== 0)
      throw invalid({ file: "A raw disk image must be a whole number of 512-byte sectors and at least 1 MiB." });
    const fh = await open(path, "r");
    try {
      const buf = Buffer.alloc(2);
      await fh.read(buf, 0, 2, 510);
      if (buf[0] !== 0x55 || buf[1] !== 0xaa)
        throw invalid({ file: "This raw file has no boot sector (MBR/GPT); it is not a bootable disk image." });
    } finally {
      await fh.close();
    }
  }
  return { format, virtualSize };
}

/**
 * Streams a request body into the user's upload folder, never holding it in memory; refuses more than
 * UPLOAD_MAX_MB and a body shorter than its Content-Length. The caller removes or moves the file.
 */
export async function receiveUpload(
  req: Request,
  userId: string,
  templateId: string,
): Promise<{ path: string; bytes: number }> {
  const limit = env().UPLOAD_MAX_MB * 1024 * 1024;
  const declared = Number(req.headers.get("content-length") ?? "NaN");
  if (Number.isFinite(declared) && declared > limit)
    throw new AppError("PAYLOAD_TOO_LARGE", `The file is larger than the ${env().UPLOAD_MAX_MB} MB limit.`);
  if (!req.body) throw invalid({ file: "The upload is empty." });
  const folder = join(resolve(env().DATA_DIR), "uploads", userId);
  await mkdir(folder, { recursive: true, mode: 0o700 });
  const path = join(folder, `${templateId}-${safeFileName(req.headers.get("x-file-name"))}.part`);
  let received = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      received += chunk.length;
      if (received > limit)
        done(new AppError("PAYLOAD_TOO_LARGE", `The file is larger than the ${env().UPLOAD_MAX_MB} MB limit.`));
      else done(null, chunk);
    },
  });
  try {
    await pipeline(
      Readable.fromWeb(req.body as import("node:stream/web").ReadableStream),
      counter,
      createWriteStream(path, { mode: 0o600 }),
    );
    if (Number.isFinite(declared) && received !== declared)
      throw invalid({ file: `The upload was cut short (${received} of ${declared} bytes arrived).` });
    if (received === 0) throw invalid({ file: "The upload is empty." });
  } catch (error) {
    await rm(path, { force: true });
    if (error instanceof AppError) throw error;
    throw invalid({ file: `The upload did not complete: ${(error as Error).message}` });
  }
  return { path, bytes: received };
}

/** Streams the request body to disk (size-limited), checks it and makes it the template's image. */
export async function uploadTemplateImage(
  actor: Actor,
  id: string,
  req: Request,
  ip: string | null,
): Promise<TTemplateRow> {
  const t = await loadVisible(actor, id);
  if (!mayEditTemplate(actor, t))
    throw new AppError("FORBIDDEN", "Only the template's owner or an admin can upload its image.");
  if (t.kind !== "LIBVIRT") throw invalid({ file: "Docker templates use an image on the host, not an upload." });
  if (t.status === "UPLOADING") throw new AppError("CONFLICT", "An upload for this template is already running.");
  if (t._count.machines > 0)
    throw new AppError("IN_USE", "Machines use this template's current image. Create a new template instead.");
  const previous = { status: t.status, statusDetail: t.statusDetail };
  await db().template.update({ where: { id }, data: { status: "UPLOADING", statusDetail: "Receiving the image…" } });
  publishTemplate(id);
  let part: string | null = null;
  try {
    const upload = await receiveUpload(req, actor.id, t.id);
    part = upload.path;
    const received = upload.bytes;
    const data = resolve(env().DATA_DIR);
    const info = await inspectImage(part);
    const imagesDir = join(data, "images");
    await mkdir(imagesDir, { recursive: true, mode: 0o700 });
    // the upload is never used as it came: it is rewritten into a fresh qcow2 that names no other file
    const fresh = join(imagesDir, `tpl-${t.id}.qcow2.new`);
    const clean = await convertToStandalone(part, info.format, fresh);
    await rm(part, { force: true });
    part = fresh;
    const imagePath = join(imagesDir, `tpl-${t.id}.qcow2`);
    await removeFromHosts(id);
    await rename(fresh, imagePath);
    part = null;
    if (t.imagePath && t.imagePath !== imagePath) await rm(t.imagePath, { force: true });
    const diskGb = Math.max(t.diskGb, Math.ceil(clean.virtualSize / 1024 ** 3));
    const updated = await db().template.update({
      where: { id },
      data: {
        status: "READY",
        statusDetail: null,
        imagePath,
        imageFormat: "qcow2",
        imageBytes: BigInt(clean.bytes),
        diskGb,
      },
      include,
    });
    await recordAudit({
      actor,
      action: "template.upload",
      target: { type: "template", id, name: t.name },
      ip,
      details: { bytes: received, format: info.format },
    });
    publishTemplate(id);
    return templateRow(updated, actor);
  } catch (error) {
    if (part) await rm(part, { force: true });
    const reason = error instanceof AppError ? error.message : "The upload did not complete.";
    await db().template.update({
      where: { id },
      data: { status: previous.status, statusDetail: `Last upload failed: ${reason}` },
    });
    publishTemplate(id);
    if (error instanceof AppError) throw error;
    throw invalid(
      { file: "The upload did not complete. Try again." },
      `The upload did not complete: ${(error as Error).message}`,
    );
  }
}

export function publishTemplate(id: string) {
  publish({ type: "template.updated", audience: { roles: ["ADMIN", "TEACHER"] }, data: { id } });
}

/** At start: uploads cut off by a restart are marked failed and their partial files removed. */
export async function resetInterruptedUploads(): Promise<number> {
  const stuck = await db().template.findMany({ where: { status: "UPLOADING" }, select: { id: true, imagePath: true } });
  for (const t of stuck) {
    await db().template.update({
      where: { id: t.id },
      data: {
        status: t.imagePath ? "READY" : "DRAFT",
        statusDetail: "The last upload was interrupted by a restart; upload again.",
      },
    });
  }
  await rm(join(resolve(env().DATA_DIR), "uploads"), { recursive: true, force: true }).catch(() => undefined);
  return stuck.length;
}
