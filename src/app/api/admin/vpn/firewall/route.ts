import { withAuth } from "@/server/http/route";
import { rebuildFirewall } from "@/server/vpn/api";
import { vpnRoutes } from "@/server/vpn/routes";

export const POST = withAuth(({ actor, ip }) => rebuildFirewall(actor, ip), vpnRoutes.firewall);
