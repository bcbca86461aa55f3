import { probeHostNow } from "@/server/hosts/probe";
import { hostsRoutes } from "@/server/hosts/routes";
import { withAuth } from "@/server/http/route";

export const POST = withAuth(({ params }) => probeHostNow(params.id), hostsRoutes.probe);
