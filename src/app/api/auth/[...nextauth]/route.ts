// next-auth's own endpoints (sign-in, sign-out, CSRF, session). Public by nature; sign-in is throttled in
// src/server/auth/sign-in.ts. Besides next-auth's own CSRF token (a double-submit cookie, which a sibling
// subdomain could plant), every POST must come from the portal's own origin (src/server/http/same-origin.ts).
import NextAuth from "next-auth";
import { authOptions } from "@/server/auth/options";
import { AppError } from "@/server/http/app-error";
import { errorResponse } from "@/server/http/responses";
import { sameOriginRequest } from "@/server/http/same-origin";

type Ctx = { params: Promise<{ nextauth: string[] }> };

const handler = (req: Request, ctx: Ctx) => NextAuth(req as never, ctx as never, authOptions());

function post(req: Request, ctx: Ctx) {
  if (!sameOriginRequest(req.headers)) {
    return errorResponse(
      new AppError(
        "CROSS_SITE_REQUEST",
        "This sign-in or sign-out request came from another site and was refused. Use the portal's own sign-in page.",
      ),
    );
  }
  return handler(req, ctx);
}

export { handler as GET, post as POST };
