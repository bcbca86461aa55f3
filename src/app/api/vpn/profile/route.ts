import { withAuth } from "@/server/http/route";
import { profileResponse } from "@/server/vpn/api";
import { vpnRoutes } from "@/server/vpn/routes";

export const GET = withAuth(({ ctx }) => profileResponse(ctx), vpnRoutes.profile);
