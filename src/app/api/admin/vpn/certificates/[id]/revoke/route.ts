import { withAuth } from "@/server/http/route";
import { adminRevoke } from "@/server/vpn/api";
import { vpnRoutes } from "@/server/vpn/routes";

export const POST = withAuth(({ ctx, params, body }) => adminRevoke(ctx, params.id, body.reason), vpnRoutes.revoke);
