import { withAuth } from "@/server/http/route";
import { listCertificates } from "@/server/vpn/api";
import { vpnRoutes } from "@/server/vpn/routes";

export const GET = withAuth(({ query }) => listCertificates(query), vpnRoutes.certificates);
