import { withAuth } from "@/server/http/route";
import { revokeAnyToken } from "@/server/tokens/admin-tokens";
import { tokensRoutes } from "@/server/tokens/routes";

export const DELETE = withAuth(({ ctx, params }) => revokeAnyToken(ctx, params.id), tokensRoutes.revokeAny);
