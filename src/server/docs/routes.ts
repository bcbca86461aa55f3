// Route contracts of the docs domain: the generated OpenAPI document.
import { defineRoute } from "@/server/http/route-spec";

export const docsRoutes = {
  openapi: defineRoute({
    method: "GET",
    path: "/api/openapi.json",
    summary: "The OpenAPI 3.1 description of this API",
    tag: "System",
    access: "public",
  }),
};
