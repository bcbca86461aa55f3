import { withAuth } from "@/server/http/route";
import { rebuildFirewall } from "@/server/vpn/api";
import { vpnRoutes } from "@/server/vpn/routes";

export const POST = withAuth(({ ctx }) => rebuildFirewall(ctx), vpnRoutes.firewall);
