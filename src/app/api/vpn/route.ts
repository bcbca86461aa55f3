import { withAuth } from "@/server/http/route";
import { myVpn } from "@/server/vpn/api";
import { vpnRoutes } from "@/server/vpn/routes";

export const GET = withAuth(({ actor }) => myVpn(actor), vpnRoutes.mine);
