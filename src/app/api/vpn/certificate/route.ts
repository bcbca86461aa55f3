import { withAuth } from "@/server/http/route";
import { createMine, revokeMine } from "@/server/vpn/api";
import { vpnRoutes } from "@/server/vpn/routes";

export const POST = withAuth(({ ctx }) => createMine(ctx), vpnRoutes.create);
export const DELETE = withAuth(({ ctx }) => revokeMine(ctx), vpnRoutes.revokeMine);
