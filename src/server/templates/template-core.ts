// What every template use case shares: the row as the API shows it, loading a template the caller may see or
// edit, removing its copies from the hosts, and the end of every change (one audit line, the live event, the row).
import type { Prisma, Template } from "@/generated/sqlite/client";
import { parseCapabilities } from "@/lib/docker-capabilities";
import { recordAudit } from "@/server/audit/record";
import type { Actor } from "@/server/auth/actor";
import type { Ctx } from "@/server/auth/ctx";
import { mayEditTemplate, mayUseTemplate } from "@/server/auth/permissions";
import { db } from "@/server/db/client";
import { publish } from "@/server/events/bus";
import { hostTarget } from "@/server/hosts/target";
import { AppError, notFound } from "@/server/http/app-error";
import { logger } from "@/server/log";
import { providerFor } from "@/server/providers";
import type { TTemplateRow } from "./routes";

export type TemplateRowSource = Template & { owner: { id: string; name: string } | null; _count: { machines: number } };
export const include = { owner: { select: { id: true, name: true } }, _count: { select: { machines: true } } } as const;

export function templateRow(t: TemplateRowSource, actor: Actor): TTemplateRow {
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

async function loadTemplate(id: string): Promise<TemplateRowSource> {
  const t = await db().template.findUnique({ where: { id }, include });
  if (!t) throw notFound("This template");
  return t;
}

export async function loadVisible(actor: Actor, id: string): Promise<TemplateRowSource> {
  const t = await loadTemplate(id);
  if (!mayUseTemplate(actor, t)) throw notFound("This template");
  return t;
}

/** A template the caller may edit (its owner, or an admin); `what` ends the refusal ("change it"). */
export async function loadEditable(actor: Actor, id: string, what: string): Promise<TemplateRowSource> {
  const t = await loadVisible(actor, id);
  if (!mayEditTemplate(actor, t)) throw new AppError("FORBIDDEN", `Only the template's owner or an admin can ${what}.`);
  return t;
}

export function publishTemplate(id: string) {
  publish({ type: "template.updated", audience: { roles: ["ADMIN", "TEACHER"] }, data: { id } });
}

/** The template becomes READY with this image (an upload, or a converted installation); `more` for other fields. */
export function setReadyImage(
  id: string,
  image: { imagePath: string; imageFormat: string; imageBytes: bigint },
  more: Prisma.TemplateUpdateInput = {},
): Promise<TemplateRowSource> {
  return db().template.update({
    where: { id },
    data: { status: "READY", statusDetail: null, ...image, ...more },
    include,
  });
}

/** The end of a template change: one audit line, the live event, and the row as the caller sees it. */
export async function templateChanged(
  ctx: Ctx,
  action: string,
  t: TemplateRowSource,
  details?: Record<string, unknown>,
): Promise<TTemplateRow> {
  await recordAudit({
    actor: ctx.actor,
    action,
    target: { type: "template", id: t.id, name: t.name },
    ip: ctx.ip,
    details,
  });
  publishTemplate(t.id);
  return templateRow(t, ctx.actor);
}

/** Removes the template's base image from every host that has a copy (a host that cannot is logged). */
export async function removeFromHosts(templateId: string) {
  const copies = await db().templateHost.findMany({ where: { templateId }, include: { host: true } });
  for (const c of copies) {
    await providerFor(hostTarget(c.host))
      .removeTemplate(c.volume)
      .catch((error) =>
        logger().warn(
          { err: error, templateId, hostId: c.hostId, volume: c.volume },
          "[templates] could not remove a template image from a host",
        ),
      );
    await db().templateHost.delete({ where: { templateId_hostId: { templateId, hostId: c.hostId } } });
  }
}
