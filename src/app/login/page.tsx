import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { Suspense } from "react";
import { LoginForm } from "@/components/auth/login-form";
import { PasswordChangedNotice } from "@/components/auth/password-changed-notice";
import { safeNextPath } from "@/lib/safe-next";
import { currentActor } from "@/server/auth/page-actor";

export const metadata: Metadata = { title: "Sign in" };

// no destination, or one off this portal: "/" sends each role to its landing page (students: My labs)
const safeNext = (next: string | string[] | undefined) => safeNextPath(next);

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string | string[] }> }) {
  const { next } = await searchParams;
  if (await currentActor()) redirect(safeNext(next));
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-sm rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
        <h1 className="mb-1 text-xl font-semibold">Lab Portal</h1>
        <p className="mb-6 text-sm text-slate-600">Sign in to reach your lab machines.</p>
        <Suspense>
          <PasswordChangedNotice />
        </Suspense>
        <LoginForm next={safeNext(next)} />
      </div>
    </main>
  );
}
