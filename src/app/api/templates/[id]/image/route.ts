import { withAuth } from "@/server/http/route";
import { templatesRoutes } from "@/server/templates/routes";
import { uploadTemplateImage } from "@/server/templates/upload";

export const PUT = withAuth(({ ctx, params, req }) => uploadTemplateImage(ctx, params.id, req), templatesRoutes.upload);
