import type { Metadata } from "next";
import Link from "next/link";
import { TokensClient } from "@/components/tokens/tokens-client";
import { requirePageActor } from "@/server/auth/page-actor";
import { listMyTokens } from "@/server/tokens/my-tokens";

export const metadata: Metadata = { title: "API tokens" };
export const dynamic = "force-dynamic";

export default async function TokensPage() {
  const actor = await requirePageActor(undefined, "/profile/tokens");
  const { items } = await listMyTokens(actor);
  return (
    <div className="max-w-4xl space-y-6">
      <div>
        <p className="text-sm">
          <Link href="/profile" className="text-brand-700 hover:underline">
            ← Profile
          </Link>
        </p>
        <h1 className="mt-1 text-2xl font-semibold">API tokens</h1>
        <p className="mt-1 text-sm text-slate-600">
          Personal tokens let scripts and tools call the portal&apos;s API as you: send{" "}
          <code className="font-mono text-xs">Authorization: Bearer lpt_…</code>. A token can do only what you can,
          limited to its scopes. Every use is recorded in the audit log. See the{" "}
          {actor.role === "STUDENT" ? (
            <a href="/api/openapi.json" className="text-brand-700 hover:underline">
              OpenAPI document
            </a>
          ) : (
            <Link href="/docs/api" className="text-brand-700 hover:underline">
              API documentation
            </Link>
          )}
          .
        </p>
      </div>
      <TokensClient initial={items} isAdmin={actor.role === "ADMIN"} />
    </div>
  );
}
