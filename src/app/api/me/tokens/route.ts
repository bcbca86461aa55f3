import { withAuth } from "@/server/http/route";
import { createMyToken, listMyTokens } from "@/server/tokens/my-tokens";
import { tokensRoutes } from "@/server/tokens/routes";

export const GET = withAuth(({ actor }) => listMyTokens(actor), tokensRoutes.listMine);
export const POST = withAuth(({ ctx, body }) => createMyToken(ctx, body), tokensRoutes.create);
