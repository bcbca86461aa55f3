import { withAuth } from "@/server/http/route";
import { adminRevoke } from "@/server/vpn/api";
import { vpnRoutes } from "@/server/vpn/routes";

export const POST = withAuth(
  ({ actor, params, body, ip }) => adminRevoke(actor, params.id, body.reason, ip),
  vpnRoutes.revoke,
);
