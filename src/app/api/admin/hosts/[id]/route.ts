import { getHost } from "@/server/hosts/host-row";
import { deleteHost, updateHost } from "@/server/hosts/hosts";
import { hostsRoutes } from "@/server/hosts/routes";
import { withAuth } from "@/server/http/route";

export const GET = withAuth(({ params }) => getHost(params.id), hostsRoutes.get);
export const PATCH = withAuth(
  ({ actor, params, body, ip }) => updateHost({ actor, ip }, params.id, body),
  hostsRoutes.update,
);
export const DELETE = withAuth(({ actor, params, ip }) => deleteHost({ actor, ip }, params.id), hostsRoutes.remove);
