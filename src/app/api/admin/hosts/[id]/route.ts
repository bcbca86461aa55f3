import { deleteHost, getHost, updateHost } from "@/server/hosts/hosts";
import { hostsRoutes } from "@/server/hosts/routes";
import { withAuth } from "@/server/http/route";

export const GET = withAuth(({ params }) => getHost(params.id), hostsRoutes.get);
export const PATCH = withAuth(
  ({ actor, params, body, ip }) => updateHost(actor, params.id, body, ip),
  hostsRoutes.update,
);
export const DELETE = withAuth(({ actor, params, ip }) => deleteHost(actor, params.id, ip), hostsRoutes.remove);
