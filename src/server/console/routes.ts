// Route contracts for console administration: who is connected to what, since when, and disconnect.
import { z } from "zod";
import { defineRoute } from "@/server/http/route-spec";
import { ZId } from "@/server/http/zod-fragments";

export const ZConsoleSessionRow = z.object({
  id: z.string(),
  user: z.object({ id: z.string(), email: z.string() }),
  machine: z.object({ id: z.string(), name: z.string() }),
  kind: z.string(),
  viewOnly: z.boolean(),
  openedAt: z.string(),
  bytesIn: z.number(),
  bytesOut: z.number(),
});

export const ZWatcher = z.object({
  sessionId: z.string(),
  machineId: z.string(),
  by: z.string(),
  viewOnly: z.boolean(),
  since: z.string(),
});

export const consoleRoutes = {
  list: defineRoute({
    method: "GET",
    path: "/api/admin/consoles",
    summary: "Open consoles: who, which machine, since when, bytes",
    tag: "Consoles",
    access: ["ADMIN"],
    response: z.object({ items: z.array(ZConsoleSessionRow) }),
  }),
  myWatchers: defineRoute({
    method: "GET",
    path: "/api/me/watchers",
    summary: "Who has a console open on my machines now (watching or taken over)",
    tag: "Consoles",
    access: "any",
    response: z.object({ items: z.array(ZWatcher) }),
  }),
  disconnect: defineRoute({
    method: "DELETE",
    path: "/api/admin/consoles/{id}",
    summary: "Close one open console",
    tag: "Consoles",
    access: ["ADMIN"],
    params: ZId,
    status: 204,
  }),
};
