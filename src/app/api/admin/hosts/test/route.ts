import { testConnection } from "@/server/hosts/probe";
import { hostsRoutes } from "@/server/hosts/routes";
import { withAuth } from "@/server/http/route";

export const POST = withAuth(({ body }) => testConnection(body), hostsRoutes.testNew);
