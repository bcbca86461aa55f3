// Templates: list, create, edit, delete. The row and what the use cases share: template-core.ts; the disk-image
// upload: upload.ts; installing from an ISO: install.ts.
import { rm } from "node:fs/promises";
import type { Actor } from "@/server/auth/actor";
import type { Ctx } from "@/server/auth/ctx";
import { usableTemplatesWhere } from "@/server/auth/permissions";
import { db } from "@/server/db/client";
import { hostTarget } from "@/server/hosts/target";
import { AppError, invalid } from "@/server/http/app-error";
import { providerFor } from "@/server/providers";
import { ProviderError } from "@/server/providers/types";
import type { TCreateTemplate, TTemplateRow, TUpdateTemplate } from "./routes";
import { include, loadEditable, loadVisible, removeFromHosts, templateChanged, templateRow } from "./template-core";

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

export async function createTemplate(ctx: Ctx, input: TCreateTemplate): Promise<TTemplateRow> {
  if (input.kind === "DOCKER" && input.dockerImage) {
    const problem = await dockerImageAvailable(input.dockerImage);
    if (problem) throw invalid({ dockerImage: problem }, problem);
  }
  const t = await db().template.create({
    data: {
      name: input.name,
      description: input.description,
      kind: input.kind,
      ownerId: ctx.actor.id,
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
  return templateChanged(ctx, "template.create", t, { kind: t.kind });
}

export async function updateTemplate(ctx: Ctx, id: string, input: TUpdateTemplate): Promise<TTemplateRow> {
  const before = await loadEditable(ctx.actor, id, "change it");
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
  return templateChanged(
    ctx,
    "template.update",
    t,
    Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)),
  );
}

export async function deleteTemplate(ctx: Ctx, id: string): Promise<void> {
  const t = await loadEditable(ctx.actor, id, "delete it");
  if (t._count.machines > 0)
    throw new AppError(
      "IN_USE",
      `${t._count.machines} machine${t._count.machines === 1 ? " uses" : "s use"} this template. Delete them first.`,
    );
  await removeFromHosts(id);
  await db().template.delete({ where: { id } });
  if (t.imagePath) await rm(t.imagePath, { force: true });
  await templateChanged(ctx, "template.delete", t);
}
