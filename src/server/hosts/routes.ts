// Route contracts of the hosts domain (admin): register, edit, test, cordon/drain, remove.
import { z } from "zod";
import { defineRoute } from "@/server/http/route-spec";
import { ZId } from "@/server/http/zod-fragments";
import { zName } from "@/server/http/zod-text";
import { hostUriProblem } from "./uri";

const ZName = zName(80);
const ZAddress = z
  .string()
  .trim()
  .regex(/^[0-9a-fA-F.:]{2,45}$/, { message: "Enter an IP address such as 127.0.0.1 or 10.0.0.5." });

/** Where users' desktop clients reach the consoles: a host name or an IP address ("" clears it). */
const ZPublicAddress = z.preprocess(
  (v) => (typeof v === "string" && v.trim() === "" ? null : v),
  z
    .string()
    .trim()
    .max(253)
    .regex(/^[A-Za-z0-9][A-Za-z0-9.:-]*$/, {
      message: "Enter a host name or an IP address such as lab.example.edu or 203.0.113.7.",
    })
    .nullable(),
);

export const ZHostUri = z
  .string({ message: "Enter the connection URI." })
  .trim()
  .min(3)
  .max(500)
  .refine((v) => !/[\s;`$|&<>]/.test(v), { message: "The URI must not contain spaces or shell characters." });

const capacity = {
  vcpus: z.coerce.number().int().min(1, { message: "At least 1 vCPU." }).max(4096),
  memoryMb: z.coerce
    .number()
    .int()
    .min(64, { message: "At least 64 MiB." })
    .max(64 * 1024 * 1024),
  diskGb: z.coerce
    .number()
    .int()
    .min(1, { message: "At least 1 GB." })
    .max(1024 * 1024),
  maxMachines: z.coerce.number().int().min(1, { message: "At least 1 machine." }).max(100_000),
};

export const ZHostKind = z.enum(["LIBVIRT", "DOCKER"]);

const hostFields = {
  name: ZName,
  kind: ZHostKind,
  uri: ZHostUri,
  virtType: z.enum(["kvm", "qemu"]).default("kvm"),
  storagePool: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,60}$/, { message: "Letters, digits, dot, dash and underscore only." })
    .default("lab-portal"),
  consoleAddress: ZAddress.default("127.0.0.1"),
  publishAddress: ZAddress.default("127.0.0.1"),
  publicConsoleAddress: ZPublicAddress.optional(),
  tlsDir: z.preprocess((v) => (v === "" ? undefined : v), z.string().trim().max(500).optional()),
};

/** Only the transports and parameters the portal supports (uri.ts): a URI can otherwise make virsh run programs. */
function checkUri(v: { kind: string; uri: string }, ctx: z.RefinementCtx) {
  const problem = hostUriProblem(v.kind, v.uri);
  if (problem) ctx.addIssue({ code: "custom", path: ["uri"], message: problem });
}

/** Testing a connection needs only how to reach the host (name and capacity are optional). */
export const ZTestHost = z
  .object({ ...hostFields, name: ZName.default("new host") })
  .passthrough()
  .superRefine(checkUri);
export type TTestHost = z.infer<typeof ZTestHost>;

export const ZCreateHost = z.object({ ...hostFields, ...capacity }).superRefine(checkUri);
export type TCreateHost = z.infer<typeof ZCreateHost>;

export const ZUpdateHost = z
  .object({
    name: ZName.optional(),
    virtType: z.enum(["kvm", "qemu"]).optional(),
    consoleAddress: ZAddress.optional(),
    publishAddress: ZAddress.optional(),
    publicConsoleAddress: ZPublicAddress.optional(),
    cordoned: z.boolean().optional(),
    draining: z.boolean().optional(),
    vcpus: capacity.vcpus.optional(),
    memoryMb: capacity.memoryMb.optional(),
    diskGb: capacity.diskGb.optional(),
    maxMachines: capacity.maxMachines.optional(),
  })
  .refine((v) => Object.values(v).some((x) => x !== undefined), { message: "Send at least one field to change." });
export type TUpdateHost = z.infer<typeof ZUpdateHost>;

export const ZHostRow = z.object({
  id: z.string(),
  name: z.string(),
  kind: ZHostKind,
  uri: z.string(),
  virtType: z.string(),
  storagePool: z.string(),
  consoleAddress: z.string(),
  publishAddress: z.string(),
  publicConsoleAddress: z.string().nullable(),
  tlsDir: z.string().nullable(),
  vcpus: z.number(),
  memoryMb: z.number(),
  diskGb: z.number(),
  maxMachines: z.number(),
  status: z.enum(["UNKNOWN", "ONLINE", "DEGRADED", "OFFLINE"]),
  statusDetail: z.string().nullable(),
  lastSeenAt: z.string().nullable(),
  lastError: z.string().nullable(),
  lastErrorAt: z.string().nullable(),
  cordoned: z.boolean(),
  draining: z.boolean(),
  used: z.object({ vcpus: z.number(), memoryMb: z.number(), diskGb: z.number(), machines: z.number() }),
  orphans: z.array(z.string()),
  createdAt: z.string(),
});
export type THostRow = z.infer<typeof ZHostRow>;

export const ZHostTest = z.object({
  ok: z.boolean(),
  version: z.string().optional(),
  vcpus: z.number().optional(),
  memoryMb: z.number().optional(),
  warnings: z.array(z.string()),
  error: z.string().optional(),
});

export const hostsRoutes = {
  list: defineRoute({
    method: "GET",
    path: "/api/admin/hosts",
    summary: "List hosts with status and used capacity",
    tag: "Hosts",
    access: ["ADMIN"],
    response: z.object({ items: z.array(ZHostRow) }),
  }),
  create: defineRoute({
    method: "POST",
    path: "/api/admin/hosts",
    summary: "Register a host (the connection is tested first; nothing is saved when it fails)",
    tag: "Hosts",
    access: ["ADMIN"],
    body: ZCreateHost,
    response: ZHostRow,
    status: 201,
  }),
  testNew: defineRoute({
    method: "POST",
    path: "/api/admin/hosts/test",
    summary: "Test a connection without saving",
    tag: "Hosts",
    access: ["ADMIN"],
    body: ZTestHost,
    response: ZHostTest,
  }),
  get: defineRoute({
    method: "GET",
    path: "/api/admin/hosts/{id}",
    summary: "One host",
    tag: "Hosts",
    access: ["ADMIN"],
    params: ZId,
    response: ZHostRow,
  }),
  update: defineRoute({
    method: "PATCH",
    path: "/api/admin/hosts/{id}",
    summary: "Edit a host, cordon or drain it",
    tag: "Hosts",
    access: ["ADMIN"],
    params: ZId,
    body: ZUpdateHost,
    response: ZHostRow,
  }),
  remove: defineRoute({
    method: "DELETE",
    path: "/api/admin/hosts/{id}",
    summary: "Remove a host that has no machines",
    tag: "Hosts",
    access: ["ADMIN"],
    params: ZId,
    status: 204,
  }),
  probe: defineRoute({
    method: "POST",
    path: "/api/admin/hosts/{id}/probe",
    summary: "Probe a host now",
    tag: "Hosts",
    access: ["ADMIN"],
    params: ZId,
    response: ZHostRow,
  }),
};
