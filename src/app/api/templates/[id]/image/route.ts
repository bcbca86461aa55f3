import { withAuth } from "@/server/http/route";
import { templatesRoutes } from "@/server/templates/routes";
import { uploadTemplateImage } from "@/server/templates/upload";

export const PUT = withAuth(
  ({ actor, params, req, ip }) => uploadTemplateImage({ actor, ip }, params.id, req),
  templatesRoutes.upload,
);
