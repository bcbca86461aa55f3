import { withAuth } from "@/server/http/route";
import { revokeMyToken } from "@/server/tokens/my-tokens";
import { tokensRoutes } from "@/server/tokens/routes";

export const DELETE = withAuth(({ actor, params, ip }) => revokeMyToken(actor, params.id, ip), tokensRoutes.revokeMine);
