import { withAuth } from "@/server/http/route";
import { listAllTokens } from "@/server/tokens/admin-tokens";
import { tokensRoutes } from "@/server/tokens/routes";

export const GET = withAuth(({ query }) => listAllTokens(query), tokensRoutes.listAll);
