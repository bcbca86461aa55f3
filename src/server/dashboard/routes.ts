import { z } from "zod";
import { defineRoute } from "@/server/http/route-spec";

const ZClassRow = z.object({
  id: z.string(),
  name: z.string(),
  students: z.number(),
  machines: z.number(),
  createdAt: z.string(),
});
const ZMachineRow = z.object({ id: z.string(), name: z.string(), state: z.string(), className: z.string().nullable() });

export const ZDashboard = z.discriminatedUnion("role", [
  z.object({
    role: z.literal("ADMIN"),
    counts: z.object({
      admins: z.number(),
      teachers: z.number(),
      students: z.number(),
      disabled: z.number(),
      classes: z.number(),
      machines: z.number(),
    }),
    recentUsers: z.array(
      z.object({ id: z.string(), email: z.string(), name: z.string(), role: z.string(), createdAt: z.string() }),
    ),
    recentEvents: z.array(
      z.object({
        id: z.string(),
        at: z.string(),
        actorEmail: z.string().nullable(),
        action: z.string(),
        targetName: z.string().nullable(),
      }),
    ),
    /** What needs an admin's eye, each card linking to its page. */
    attention: z.object({
      hosts: z.object({
        total: z.number(),
        /** ONLINE and DEGRADED (both take machines). */
        online: z.number(),
        degraded: z.number(),
        offline: z.number(),
        /** Up to 20 hosts, offline and degraded first, each linking to the hosts page. */
        items: z.array(
          z.object({
            id: z.string(),
            name: z.string(),
            status: z.enum(["UNKNOWN", "ONLINE", "DEGRADED", "OFFLINE"]),
            statusDetail: z.string().nullable(),
            cordoned: z.boolean(),
            draining: z.boolean(),
          }),
        ),
      }),
      runningMachines: z.number(),
      /** Jobs that ended FAILED or PARTIAL in the last FAILED_JOB_DAYS days. */
      failedJobs: z.number(),
      pendingRequests: z.number(),
    }),
  }),
  z.object({ role: z.literal("TEACHER"), classes: z.array(ZClassRow), totalClasses: z.number() }),
  z.object({
    role: z.literal("STUDENT"),
    machines: z.array(ZMachineRow),
    classes: z.array(z.object({ id: z.string(), name: z.string() })),
  }),
]);
export type TDashboard = z.infer<typeof ZDashboard>;

export const dashboardRoutes = {
  get: defineRoute({
    method: "GET",
    path: "/api/dashboard",
    summary: "The signed-in user's dashboard (shape depends on role)",
    tag: "Dashboard",
    access: "any",
    response: ZDashboard,
  }),
};
