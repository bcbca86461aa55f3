import type { Metadata } from "next";
import { AdminTokensClient } from "@/components/tokens/admin-tokens-client";
import { requirePageActor } from "@/server/auth/page-actor";

export const metadata: Metadata = { title: "API tokens" };
export const dynamic = "force-dynamic";

export default async function AdminTokensPage() {
  const actor = await requirePageActor(["ADMIN"], "/admin/tokens");
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">API tokens</h1>
        <p className="mt-1 text-sm text-slate-600">
          Every personal API token, with its owner, scopes and last use. Revoking one stops it at once and closes the
          consoles opened with it. People create their own tokens on their profile page.
        </p>
      </div>
      <AdminTokensClient currentUserId={actor.id} />
    </div>
  );
}
