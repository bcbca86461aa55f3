import { withAuth } from "@/server/http/route";
import { saveSettings } from "@/server/vpn/api";
import { vpnRoutes } from "@/server/vpn/routes";
import { getVpnSettings } from "@/server/vpn/settings";

export const GET = withAuth(() => getVpnSettings(), vpnRoutes.settings);
export const PUT = withAuth(({ ctx, body }) => saveSettings(ctx, body), vpnRoutes.saveSettings);
