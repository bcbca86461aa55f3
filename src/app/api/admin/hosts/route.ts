import { listHosts } from "@/server/hosts/host-row";
import { createHost } from "@/server/hosts/hosts";
import { hostsRoutes } from "@/server/hosts/routes";
import { withAuth } from "@/server/http/route";

export const GET = withAuth(() => listHosts(), hostsRoutes.list);
export const POST = withAuth(({ ctx, body }) => createHost(ctx, body), hostsRoutes.create);
