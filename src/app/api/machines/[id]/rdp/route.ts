import { withAuth } from "@/server/http/route";
import { rdpResponse } from "@/server/rdp/rdp-file";
import { rdpRoutes } from "@/server/rdp/routes";

export const GET = withAuth(({ actor, params, ip }) => rdpResponse(actor, params.id, ip), rdpRoutes.file);
