// next-auth's own endpoints (sign-in, sign-out, CSRF, session). Public by nature; sign-in is throttled in
// src/server/auth/sign-in.ts.
import NextAuth from "next-auth";
import { authOptions } from "@/server/auth/options";

const handler = (req: Request, ctx: { params: Promise<{ nextauth: string[] }> }) => NextAuth(req as never, ctx as never, authOptions());

export { handler as GET, handler as POST };
