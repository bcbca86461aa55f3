// Route contract for .rdp downloads.
import { defineRoute } from "@/server/http/route-spec";
import { ZId } from "@/server/http/zod-fragments";

export const rdpRoutes = {
  file: defineRoute({
    method: "GET",
    path: "/api/machines/{id}/rdp",
    summary:
      "A .rdp file for the machine (address and RDP port, username prefilled, no drive/printer/smart-card redirection, clipboard per class, RD Gateway from settings)",
    tag: "Consoles",
    access: "any",
    params: ZId,
    produces: "application/x-rdp",
  }),
};
