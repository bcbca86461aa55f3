import Link from "next/link";
import { AppShell } from "@/components/app-shell";
import { HoursWarnings } from "@/components/labs/hours-warnings";
import { navFor } from "@/lib/navigation";
import { requirePageActor } from "@/server/auth/page-actor";

export default async function PortalLayout({ children }: { children: React.ReactNode }) {
  // each page checks for itself whether a password change must come first (the profile page is where it happens)
  const actor = await requirePageActor(undefined, "/dashboard", { anyPage: true });
  return (
    <AppShell user={{ name: actor.name, email: actor.email, role: actor.role }} nav={navFor(actor.role)}>
      {actor.mustChangePassword && (
        <div
          role="status"
          className="mb-6 rounded-md border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900"
        >
          Your password was set by an administrator.{" "}
          <Link href="/profile" className="font-medium underline">
            Choose your own password
          </Link>
          .
        </div>
      )}
      {children}
      <HoursWarnings />
    </AppShell>
  );
}
