import { withAuth } from "@/server/http/route";
import { rotateMine } from "@/server/vpn/api";
import { vpnRoutes } from "@/server/vpn/routes";

export const POST = withAuth(({ ctx }) => rotateMine(ctx), vpnRoutes.rotateMine);
