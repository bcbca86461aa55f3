import { withAuth } from "@/server/http/route";
import { adminRotate } from "@/server/vpn/api";
import { vpnRoutes } from "@/server/vpn/routes";

export const POST = withAuth(({ ctx, params }) => adminRotate(ctx, params.id), vpnRoutes.rotate);
