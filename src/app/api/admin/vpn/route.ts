import { withAuth } from "@/server/http/route";
import { overview } from "@/server/vpn/api";
import { vpnRoutes } from "@/server/vpn/routes";

export const GET = withAuth(() => overview(), vpnRoutes.overview);
