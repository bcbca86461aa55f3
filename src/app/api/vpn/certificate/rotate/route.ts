import { withAuth } from "@/server/http/route";
import { rotateMine } from "@/server/vpn/api";
import { vpnRoutes } from "@/server/vpn/routes";

export const POST = withAuth(({ actor, ip }) => rotateMine(actor, ip), vpnRoutes.rotateMine);
