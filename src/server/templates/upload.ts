// The disk-image upload: streamed into a per-user folder (never held in memory, size-limited), checked with
// qemu-img (image-check.ts), rewritten into a standalone qcow2 and moved into data/images.
import { createWriteStream } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { env } from "@/env";
import type { Ctx } from "@/server/auth/ctx";
import { db } from "@/server/db/client";
import { AppError, invalid } from "@/server/http/app-error";
import { convertToStandalone, inspectImage } from "./image-check";
import type { TTemplateRow } from "./routes";
import { loadEditable, publishTemplate, removeFromHosts, setReadyImage, templateChanged } from "./template-core";

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
export async function uploadTemplateImage(ctx: Ctx, id: string, req: Request): Promise<TTemplateRow> {
  const t = await loadEditable(ctx.actor, id, "upload its image");
  if (t.kind !== "LIBVIRT") throw invalid({ file: "Docker templates use an image on the host, not an upload." });
  if (t.status === "UPLOADING") throw new AppError("CONFLICT", "An upload for this template is already running.");
  if (t._count.machines > 0)
    throw new AppError("IN_USE", "Machines use this template's current image. Create a new template instead.");
  const previous = { status: t.status, statusDetail: t.statusDetail };
  await db().template.update({ where: { id }, data: { status: "UPLOADING", statusDetail: "Receiving the image…" } });
  publishTemplate(id);
  let part: string | null = null;
  try {
    const upload = await receiveUpload(req, ctx.actor.id, t.id);
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
    const updated = await setReadyImage(
      id,
      { imagePath, imageFormat: "qcow2", imageBytes: BigInt(clean.bytes) },
      { diskGb },
    );
    return await templateChanged(ctx, "template.upload", updated, { bytes: received, format: info.format });
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
