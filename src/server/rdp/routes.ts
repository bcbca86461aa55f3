// Route contract for .rdp downloads.
import { z } from "zod";
import { defineRoute } from "@/server/http/route-spec";

export const rdpRoutes = {
  file: defineRoute({
    method: "GET",
    path: "/api/machines/{id}/rdp",
    summary:
      "A .rdp file for the machine (address and RDP port, username prefilled, no drive/printer/smart-card redirection, clipboard per class, RD Gateway from settings)",
    tag: "Consoles",
    access: "any",
    params: z.object({ id: z.string().min(1).max(64) }),
    produces: "application/x-rdp",
  }),
};
