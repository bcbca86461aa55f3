import { withAuth } from "@/server/http/route";
import { revokeAnyToken } from "@/server/tokens/admin-tokens";
import { tokensRoutes } from "@/server/tokens/routes";

export const DELETE = withAuth(({ actor, params, ip }) => revokeAnyToken(actor, params.id, ip), tokensRoutes.revokeAny);
