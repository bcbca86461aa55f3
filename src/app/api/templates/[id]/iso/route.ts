import { withAuth } from "@/server/http/route";
import { uploadTemplateIso } from "@/server/templates/install";
import { templatesRoutes } from "@/server/templates/routes";

export const PUT = withAuth(
  ({ actor, params, req, ip }) => uploadTemplateIso({ actor, ip }, params.id, req),
  templatesRoutes.uploadIso,
);
