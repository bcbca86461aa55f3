import { withAuth } from "@/server/http/route";
import { createMine, revokeMine } from "@/server/vpn/api";
import { vpnRoutes } from "@/server/vpn/routes";

export const POST = withAuth(({ actor, ip }) => createMine(actor, ip), vpnRoutes.create);
export const DELETE = withAuth(({ actor, ip }) => revokeMine(actor, ip), vpnRoutes.revokeMine);
