import type { Metadata } from "next";
import Link from "next/link";
import { buttonClass } from "@/components/ui/button";

export const metadata: Metadata = { title: "Page not found" };

// Any URL the portal does not know (and notFound() outside the portal's own layout): branded, with a way home.
export default function NotFound() {
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div
        className="w-full max-w-md rounded-xl border border-slate-200 bg-white p-6 shadow-sm"
        data-testid="not-found"
      >
        <p className="mb-4 text-sm font-semibold text-slate-500">Lab Portal</p>
        <h1 className="mb-2 text-xl font-semibold">Page not found</h1>
        <p className="mb-6 text-sm text-slate-600">
          There is no page at this address. It may have moved, or the link may be incomplete.
        </p>
        <Link href="/" className={buttonClass("primary", "md")} data-testid="not-found-home">
          Go to Lab Portal
        </Link>
      </div>
    </main>
  );
}
