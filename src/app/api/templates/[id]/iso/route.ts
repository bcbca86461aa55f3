import { withAuth } from "@/server/http/route";
import { uploadTemplateIso } from "@/server/templates/install";
import { templatesRoutes } from "@/server/templates/routes";

export const PUT = withAuth(
  ({ ctx, params, req }) => uploadTemplateIso(ctx, params.id, req),
  templatesRoutes.uploadIso,
);
