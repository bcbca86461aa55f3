// next-auth configuration: email + password, JWT sessions that carry only the user id and session version.
// Everything else (role, name, disabled) is read from the database on each request (see actor.ts).
import { randomUUID } from "node:crypto";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { env } from "@/env";
import { safeNextPath } from "@/lib/safe-next";
import { recordAudit } from "@/server/audit/record";
import { db } from "@/server/db/client";
import { CLIENT_IP_HEADER } from "@/server/http/client-ip";
import { extendRevocation, revokeSession } from "./revoked-sessions";
import { authSecret } from "./secret";
import { SignInError, signInWithPassword } from "./sign-in";

function header(headers: unknown, name: string): string | null {
  if (!headers) return null;
  if (typeof (headers as Headers).get === "function") return (headers as Headers).get(name);
  const value = (headers as Record<string, string | string[] | undefined>)[name];
  return Array.isArray(value) ? (value[0] ?? null) : (value ?? null);
}

export function authOptions(): NextAuthOptions {
  return {
    secret: authSecret(),
    session: { strategy: "jwt", maxAge: env().SESSION_MAX_AGE_HOURS * 3600 },
    pages: { signIn: "/login", error: "/login" },
    providers: [
      CredentialsProvider({
        name: "Email and password",
        credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
        async authorize(credentials, req) {
          const email = String(credentials?.email ?? "").slice(0, 320);
          const password = String(credentials?.password ?? "").slice(0, 1024);
          try {
            const user = await signInWithPassword({ email, password, ip: header(req?.headers, CLIENT_IP_HEADER) });
            return { id: user.id, email: user.email, name: user.name, sv: user.sessionVersion };
          } catch (error) {
            if (error instanceof SignInError) throw new Error(error.message);
            throw error;
          }
        },
      }),
    ],
    events: {
      // sign-out ends this session on the server, so a copy of the cookie is refused from now on
      async signOut({ token }) {
        const uid = typeof token?.uid === "string" ? token.uid : null;
        if (!uid) return;
        if (typeof token.sid === "string") await revokeSession(token.sid, uid);
        // a cookie from before session ids: only ending all of the user's sessions ends this one
        else await db().user.updateMany({ where: { id: uid }, data: { sessionVersion: { increment: 1 } } });
        const user = await db().user.findUnique({ where: { id: uid }, select: { id: true, email: true } });
        if (user)
          await recordAudit({
            actor: user,
            action: "auth.logout",
            target: { type: "user", id: user.id, name: user.email },
          });
      },
    },
    callbacks: {
      async jwt({ token, user }) {
        if (user) {
          token.uid = user.id;
          token.sv = (user as { sv?: number }).sv ?? 1;
          token.sid = randomUUID();
        } else if (typeof token.sid === "string") {
          // a signed-out cookie being refreshed stays refused as long as the refreshed copy lives
          await extendRevocation(token.sid);
        }
        return token;
      },
      // only paths on this portal: "/\evil.test" and friends become "/" (src/lib/safe-next.ts)
      async redirect({ url, baseUrl }) {
        const base = new URL(baseUrl);
        let path = url;
        try {
          const parsed = new URL(url);
          if (parsed.origin !== base.origin) return baseUrl;
          path = `${parsed.pathname}${parsed.search}${parsed.hash}`;
        } catch {
          // a relative URL: checked as it is
        }
        return `${base.origin}${safeNextPath(path)}`;
      },
      async session({ session, token }) {
        return { ...session, user: { ...session.user, id: token.uid as string } };
      },
    },
  };
}
