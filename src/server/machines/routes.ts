// Route contracts of the machines domain: list, details, create (a deploy job), power actions, revert, delete.
import { z } from "zod";
import { MACHINE_STATES } from "@/lib/machine-states";
import { defineRoute } from "@/server/http/route-spec";
import { emptyAsUndefined, ZId, ZIdString } from "@/server/http/zod-fragments";

export const ZMachineRow = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(["LIBVIRT", "DOCKER"]),
  role: z.string(),
  state: z.enum(MACHINE_STATES),
  stateDetail: z.string().nullable(),
  owner: z.object({ id: z.string(), name: z.string(), email: z.string() }).nullable(),
  class: z.object({ id: z.string(), name: z.string() }).nullable(),
  template: z
    .object({
      id: z.string(),
      name: z.string(),
      consoleKinds: z.array(z.string()),
      osType: z.string(),
      sshUser: z.string().nullable().optional(),
    })
    .nullable(),
  host: z.object({ id: z.string(), name: z.string(), status: z.string() }).nullable(),
  vcpus: z.number(),
  memoryMb: z.number(),
  diskGb: z.number(),
  fullCopy: z.boolean(),
  ipAddresses: z.array(z.string()),
  drift: z.string().nullable(),
  driftAt: z.string().nullable(),
  /** Only for admins: where the VNC/SPICE displays listen for the current run. */
  display: z.object({ host: z.string(), vncPort: z.number().nullable(), spicePort: z.number().nullable() }).nullable(),
  lastStartedAt: z.string().nullable(),
  lastStoppedAt: z.string().nullable(),
  jobId: z.string().nullable(),
  createdAt: z.string(),
  /** Why the caller may not delete this machine (a student's own class machine), or null. */
  deleteRefusal: z.string().nullable().optional(),
  /** Desktop-client files: null when the template does not offer it, else whether the user's computer can reach it and why not. */
  downloads: z
    .object({
      vv: z.object({ available: z.boolean(), reason: z.string().nullable() }).nullable(),
      rdp: z.object({ available: z.boolean(), reason: z.string().nullable() }).nullable(),
    })
    .optional(),
});
export type TMachineRow = z.infer<typeof ZMachineRow>;

export const ZListMachinesQuery = z.object({
  scope: z.preprocess(emptyAsUndefined, z.enum(["mine", "class", "all"]).default("mine")),
  classId: z.preprocess(emptyAsUndefined, z.string().max(64).optional()),
  state: z.preprocess(emptyAsUndefined, z.enum(MACHINE_STATES).optional()),
  hostId: z.preprocess(emptyAsUndefined, z.string().max(64).optional()),
  q: z.preprocess(emptyAsUndefined, z.string().max(200).optional()),
  page: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(100_000).default(1)),
  pageSize: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(200).default(50)),
});
export type TListMachinesQuery = z.infer<typeof ZListMachinesQuery>;

export const ZCreateMachines = z.object({
  templateId: z.string({ message: "Choose a template." }).min(1, { message: "Choose a template." }).max(64),
  name: z
    .string({ message: "Enter a name." })
    .trim()
    .min(1, { message: "Enter a name." })
    .max(60, { message: "Use at most 60 characters." })
    .regex(/^[\p{L}\p{N}][\p{L}\p{N} ._-]*$/u, { message: "Letters, digits, spaces, dot, dash and underscore." }),
  count: z.coerce
    .number()
    .int()
    .min(1, { message: "At least 1." })
    .max(100, { message: "At most 100 at once." })
    .default(1),
  hostId: z.preprocess(emptyAsUndefined, z.string().max(64).optional()),
  ownerId: z.preprocess(emptyAsUndefined, z.string().max(64).optional()),
  fullCopy: z.boolean().default(false),
});
export type TCreateMachines = z.infer<typeof ZCreateMachines>;

export const ZJobView = z.object({
  id: z.string(),
  kind: z.string(),
  title: z.string(),
  status: z.string(),
  total: z.number(),
  done: z.number(),
  failed: z.number(),
  error: z.string().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  items: z.array(
    z.object({
      position: z.number(),
      label: z.string(),
      machineId: z.string().nullable(),
      status: z.string(),
      error: z.string().nullable(),
    }),
  ),
  classId: z.string().nullable().optional(),
  retryAt: z.string().nullable().optional(),
  retryable: z.boolean().optional(),
});

const ZAction = z.object({ id: ZIdString, action: z.enum(["start", "stop", "reboot", "revert"]) });
export const ZActionBody = z.object({ force: z.boolean().default(false) });

export const machinesRoutes = {
  list: defineRoute({
    method: "GET",
    path: "/api/machines",
    summary: "Machines: mine, a class's (its teacher) or all (admin)",
    tag: "Machines",
    access: "any",
    query: ZListMachinesQuery,
    response: z.object({ items: z.array(ZMachineRow), total: z.number(), page: z.number(), pageSize: z.number() }),
  }),
  create: defineRoute({
    method: "POST",
    path: "/api/machines",
    summary: "Create machines from a template (a deploy job with per-machine progress)",
    tag: "Machines",
    access: ["ADMIN", "TEACHER"],
    body: ZCreateMachines,
    response: z.object({ job: ZJobView, machines: z.array(ZMachineRow) }),
    status: 202,
  }),
  get: defineRoute({
    method: "GET",
    path: "/api/machines/{id}",
    summary: "One machine with live state",
    tag: "Machines",
    access: "any",
    params: ZId,
    response: ZMachineRow,
  }),
  action: defineRoute({
    method: "POST",
    path: "/api/machines/{id}/{action}",
    summary: "Start, stop (force: true to power off at once), reboot or revert to the baseline (discards changes)",
    tag: "Machines",
    access: "any",
    params: ZAction,
    body: ZActionBody,
    response: ZMachineRow,
    status: 202,
  }),
  remove: defineRoute({
    method: "DELETE",
    path: "/api/machines/{id}",
    summary: "Delete a machine and its disks",
    tag: "Machines",
    access: "any",
    params: ZId,
    response: ZMachineRow,
    status: 202,
  }),
  console: defineRoute({
    method: "POST",
    path: "/api/machines/{id}/console",
    summary:
      "A console ticket (≤ 60 s, single use, bound to you, this machine and the kind) and the WebSocket URL to use it on",
    tag: "Consoles",
    access: "any",
    params: ZId,
    body: z.object({
      kind: z.enum(["vnc", "spice", "ssh", "exec"], { message: "Choose vnc, spice, ssh or exec." }),
      viewOnly: z.boolean().default(false),
    }),
    response: z.object({
      ticket: z.string(),
      kind: z.string(),
      viewOnly: z.boolean(),
      expiresAt: z.string(),
      url: z.string(),
    }),
    status: 201,
  }),
  vv: defineRoute({
    method: "GET",
    path: "/api/machines/{id}/console.vv",
    summary:
      "A .vv file for remote-viewer (SPICE): host, port and this run's password, deleted by remote-viewer after reading",
    tag: "Consoles",
    access: "any",
    params: ZId,
    produces: "application/x-virt-viewer",
  }),
  resetHostKey: defineRoute({
    method: "DELETE",
    path: "/api/machines/{id}/host-key",
    summary:
      "Forget the machine's pinned SSH host key (after checking the new key is legitimate); the next connection pins again",
    tag: "Consoles",
    access: ["ADMIN"],
    params: ZId,
    status: 204,
  }),
  job: defineRoute({
    method: "GET",
    path: "/api/jobs/{id}",
    summary: "A job's progress with per-item status",
    tag: "Machines",
    access: "any",
    params: ZId,
    response: ZJobView,
  }),
};
