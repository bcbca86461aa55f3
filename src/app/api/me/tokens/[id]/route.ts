import { withAuth } from "@/server/http/route";
import { revokeMyToken } from "@/server/tokens/my-tokens";
import { tokensRoutes } from "@/server/tokens/routes";

export const DELETE = withAuth(({ ctx, params }) => revokeMyToken(ctx, params.id), tokensRoutes.revokeMine);
