import { docsRoutes } from "@/server/docs/routes";
import { openApiDocument } from "@/server/http/openapi";
import { json } from "@/server/http/responses";
import { withAuth } from "@/server/http/route";

export const dynamic = "force-dynamic";

export const GET = withAuth(
  () => json(openApiDocument(), { headers: { "Cache-Control": "public, max-age=60" } }),
  docsRoutes.openapi,
);
