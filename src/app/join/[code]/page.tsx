import type { Metadata } from "next";
import { JoinClient } from "@/components/classes/join-client";
import { currentActor } from "@/server/auth/page-actor";

export const metadata: Metadata = { title: "Join a class" };

// Public: anyone with the link sees what it leads to; joining needs an account (or self-signup, when allowed).
// Outside the (portal) layout on purpose, which would send a visitor without a session to the sign-in page.
export default async function JoinPage({ params }: { params: Promise<{ code: string }> }) {
  const { code } = await params;
  const actor = await currentActor();
  return (
    <main className="flex min-h-screen items-start justify-center px-4 py-10 sm:items-center">
      <div className="w-full max-w-md rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
        <p className="mb-4 text-sm font-semibold text-slate-500">Lab Portal</p>
        <JoinClient code={code} user={actor ? { name: actor.name, email: actor.email, role: actor.role } : null} />
      </div>
    </main>
  );
}
