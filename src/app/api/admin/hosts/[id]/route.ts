import { getHost } from "@/server/hosts/host-row";
import { deleteHost, updateHost } from "@/server/hosts/hosts";
import { hostsRoutes } from "@/server/hosts/routes";
import { withAuth } from "@/server/http/route";

export const GET = withAuth(({ params }) => getHost(params.id), hostsRoutes.get);
export const PATCH = withAuth(({ ctx, params, body }) => updateHost(ctx, params.id, body), hostsRoutes.update);
export const DELETE = withAuth(({ ctx, params }) => deleteHost(ctx, params.id), hostsRoutes.remove);
