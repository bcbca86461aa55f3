import { withAuth } from "@/server/http/route";
import { rdpResponse } from "@/server/rdp/rdp-file";
import { rdpRoutes } from "@/server/rdp/routes";

export const GET = withAuth(({ ctx, params }) => rdpResponse(ctx, params.id), rdpRoutes.file);
