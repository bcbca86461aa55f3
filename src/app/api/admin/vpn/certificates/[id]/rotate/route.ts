import { withAuth } from "@/server/http/route";
import { adminRotate } from "@/server/vpn/api";
import { vpnRoutes } from "@/server/vpn/routes";

export const POST = withAuth(({ actor, params, ip }) => adminRotate(actor, params.id, ip), vpnRoutes.rotate);
