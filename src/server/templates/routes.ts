// Route contracts of the templates domain: what machines are made from (admin and teacher).
import { z } from "zod";
import { EXTRA_CAPABILITIES } from "@/lib/docker-capabilities";
import { CONSOLE_KINDS } from "@/lib/machine-states";
import { defineRoute } from "@/server/http/route-spec";
import { emptyAsUndefined, ZId } from "@/server/http/zod-fragments";
import { zName } from "@/server/http/zod-text";

const ZName = zName(80);
/** The same check on create and on edit. */
const ZSshUser = z
  .string()
  .trim()
  .regex(/^[a-z_][a-z0-9_-]{0,31}$/, { message: "A Unix user name like student." });

export const ZDockerImage = z
  .string()
  .trim()
  .regex(/^[a-z0-9]+([._\-/][a-z0-9]+)*(:[\w][\w.-]{0,127})?(@sha256:[a-f0-9]{64})?$/, {
    message: "Enter an image name like debian:bookworm or school/lab:1.",
  });

/** Docker: Linux capabilities added to the containers' minimal default set, from the allow-list only. */
const ZCapabilities = z
  .array(z.enum(EXTRA_CAPABILITIES, { message: `Choose capabilities from ${EXTRA_CAPABILITIES.join(", ")}.` }))
  .max(EXTRA_CAPABILITIES.length);

const specs = {
  description: z.string().trim().max(2000).default(""),
  vcpus: z.coerce.number().int().min(1, { message: "At least 1 vCPU." }).max(64, { message: "At most 64 vCPUs." }),
  memoryMb: z.coerce
    .number()
    .int()
    .min(32, { message: "At least 32 MiB." })
    .max(512 * 1024),
  diskGb: z.coerce
    .number()
    .int()
    .min(1, { message: "At least 1 GB." })
    .max(16 * 1024),
  osType: z.enum(["LINUX", "WINDOWS"]),
  consoleKinds: z.array(z.enum(CONSOLE_KINDS)).min(1, { message: "Offer at least one console." }).max(5),
  sshUser: z.preprocess(emptyAsUndefined, ZSshUser.optional()),
  sshPort: z.coerce.number().int().min(1).max(65535),
  rdpPort: z.coerce.number().int().min(1).max(65535),
  shell: z
    .string()
    .trim()
    .regex(/^\/[\w/.-]{1,100}$/, { message: "An absolute path like /bin/bash." }),
  keepDataDisk: z.boolean(),
};

export const ZCreateTemplate = z
  .object({
    name: ZName,
    kind: z.enum(["LIBVIRT", "DOCKER"]),
    dockerImage: z.preprocess(emptyAsUndefined, ZDockerImage.optional()),
    dockerCommand: z.preprocess(emptyAsUndefined, z.array(z.string().max(500)).max(50).optional()),
    dockerCapabilities: ZCapabilities.optional(),
    ...specs,
    vcpus: specs.vcpus.default(1),
    memoryMb: specs.memoryMb.default(512),
    diskGb: specs.diskGb.default(4),
    osType: specs.osType.default("LINUX"),
    consoleKinds: specs.consoleKinds.optional(),
    sshPort: specs.sshPort.default(22),
    rdpPort: specs.rdpPort.default(3389),
    shell: specs.shell.default("/bin/sh"),
    keepDataDisk: specs.keepDataDisk.default(false),
  })
  .superRefine((v, ctx) => {
    if (v.kind === "DOCKER" && !v.dockerImage)
      ctx.addIssue({ code: "custom", path: ["dockerImage"], message: "Name the Docker image." });
    const kinds = v.consoleKinds ?? [];
    if (v.kind === "DOCKER" && kinds.some((k) => k === "vnc" || k === "spice"))
      ctx.addIssue({
        code: "custom",
        path: ["consoleKinds"],
        message: "Containers offer ssh, exec and rdp consoles, not vnc or spice.",
      });
    if (v.kind === "LIBVIRT" && kinds.includes("exec"))
      ctx.addIssue({
        code: "custom",
        path: ["consoleKinds"],
        message: "exec is for containers; VMs offer vnc, spice, ssh and rdp.",
      });
  })
  .transform((v) => ({
    ...v,
    consoleKinds: v.consoleKinds ?? (v.kind === "DOCKER" ? ["exec" as const] : ["vnc" as const]),
  }));
export type TCreateTemplate = z.infer<typeof ZCreateTemplate>;

export const ZUpdateTemplate = z
  .object({
    name: ZName.optional(),
    description: specs.description.optional(),
    dockerImage: ZDockerImage.optional(),
    dockerCommand: z.array(z.string().max(500)).max(50).nullable().optional(),
    dockerCapabilities: ZCapabilities.nullable().optional(),
    vcpus: specs.vcpus.optional(),
    memoryMb: specs.memoryMb.optional(),
    diskGb: specs.diskGb.optional(),
    osType: specs.osType.optional(),
    consoleKinds: specs.consoleKinds.optional(),
    // empty or null clears it; anything else passes the create-time check
    sshUser: z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? null : v), ZSshUser.nullable()).optional(),
    sshPort: specs.sshPort.optional(),
    rdpPort: specs.rdpPort.optional(),
    shell: specs.shell.optional(),
    keepDataDisk: specs.keepDataDisk.optional(),
  })
  .refine((v) => Object.values(v).some((x) => x !== undefined), { message: "Send at least one field to change." });
export type TUpdateTemplate = z.infer<typeof ZUpdateTemplate>;

export const ZTemplateRow = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  kind: z.enum(["LIBVIRT", "DOCKER"]),
  status: z.enum(["DRAFT", "UPLOADING", "INSTALLING", "READY", "FAILED"]),
  statusDetail: z.string().nullable(),
  owner: z.object({ id: z.string(), name: z.string() }).nullable(),
  imageFormat: z.string().nullable(),
  imageBytes: z.number().nullable(),
  dockerImage: z.string().nullable(),
  dockerCommand: z.array(z.string()).nullable(),
  dockerCapabilities: z.array(z.string()),
  shell: z.string(),
  vcpus: z.number(),
  memoryMb: z.number(),
  diskGb: z.number(),
  osType: z.string(),
  consoleKinds: z.array(z.string()),
  sshUser: z.string().nullable(),
  sshPort: z.number(),
  rdpPort: z.number(),
  keepDataDisk: z.boolean(),
  isoUploaded: z.boolean(),
  installMachineId: z.string().nullable(),
  machines: z.number(),
  canEdit: z.boolean(),
  createdAt: z.string(),
});
export type TTemplateRow = z.infer<typeof ZTemplateRow>;

const staff = ["ADMIN", "TEACHER"] as const;

export const templatesRoutes = {
  list: defineRoute({
    method: "GET",
    path: "/api/templates",
    summary: "Templates (teachers see ready ones and their own)",
    tag: "Templates",
    access: staff,
    response: z.object({ items: z.array(ZTemplateRow) }),
  }),
  create: defineRoute({
    method: "POST",
    path: "/api/templates",
    summary: "Create a template: Docker from an image on a host, libvirt as a draft waiting for its disk image",
    tag: "Templates",
    access: staff,
    body: ZCreateTemplate,
    response: ZTemplateRow,
    status: 201,
  }),
  get: defineRoute({
    method: "GET",
    path: "/api/templates/{id}",
    summary: "One template",
    tag: "Templates",
    access: staff,
    params: ZId,
    response: ZTemplateRow,
  }),
  update: defineRoute({
    method: "PATCH",
    path: "/api/templates/{id}",
    summary: "Edit a template (owner or admin)",
    tag: "Templates",
    access: staff,
    params: ZId,
    body: ZUpdateTemplate,
    response: ZTemplateRow,
  }),
  remove: defineRoute({
    method: "DELETE",
    path: "/api/templates/{id}",
    summary: "Delete a template no machine uses",
    tag: "Templates",
    access: staff,
    params: ZId,
    status: 204,
  }),
  upload: defineRoute({
    method: "PUT",
    path: "/api/templates/{id}/image",
    summary: "Upload the disk image (qcow2 or raw), streamed to disk and checked with qemu-img",
    tag: "Templates",
    access: staff,
    params: ZId,
    rawBody: {
      contentType: "application/octet-stream",
      description: "The image bytes. Send the file name in X-File-Name.",
      format: "binary",
    },
    streamBody: true,
    response: ZTemplateRow,
  }),
  uploadIso: defineRoute({
    method: "PUT",
    path: "/api/templates/{id}/iso",
    summary: "Upload an installer ISO for a blank-disk template (streamed, checked for an ISO 9660 signature)",
    tag: "Templates",
    access: staff,
    params: ZId,
    rawBody: {
      contentType: "application/octet-stream",
      description: "The ISO bytes. Send the file name in X-File-Name.",
      format: "binary",
    },
    streamBody: true,
    response: ZTemplateRow,
  }),
  install: defineRoute({
    method: "POST",
    path: "/api/templates/{id}/install",
    summary:
      "Create and start an installation machine: a blank disk with the ISO in its CD drive, used through the console",
    tag: "Templates",
    access: staff,
    params: ZId,
    response: ZTemplateRow,
    status: 202,
  }),
  convert: defineRoute({
    method: "POST",
    path: "/api/templates/{id}/convert",
    summary: "Turn the stopped installation machine's disk into the template's image (the machine and ISO are removed)",
    tag: "Templates",
    access: staff,
    params: ZId,
    response: ZTemplateRow,
  }),
};
