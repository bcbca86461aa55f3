import { withAuth } from "@/server/http/route";
import { templatesRoutes } from "@/server/templates/routes";
import { uploadTemplateImage } from "@/server/templates/templates";

export const PUT = withAuth(
  ({ actor, params, req, ip }) => uploadTemplateImage(actor, params.id, req, ip),
  templatesRoutes.upload,
);
