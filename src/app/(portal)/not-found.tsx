import type { Metadata } from "next";
import Link from "next/link";
import { buttonClass } from "@/components/ui/button";

export const metadata: Metadata = { title: "Page not found" };

// notFound() inside the portal (a machine, class or template that does not exist): inside the portal's layout.
export default function PortalNotFound() {
  return (
    <div className="mx-auto max-w-md space-y-3 py-10" data-testid="not-found">
      <h1 className="text-2xl font-semibold">Page not found</h1>
      <p className="text-sm text-slate-600">
        There is no page at this address, or you cannot see what it shows. It may have moved, or the link may be
        incomplete.
      </p>
      <Link href="/" className={buttonClass("primary", "md")} data-testid="not-found-home">
        Go to your start page
      </Link>
    </div>
  );
}
