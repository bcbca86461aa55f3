import type { Metadata } from "next";
import { ConsolesView } from "@/components/console/consoles-view";
import { requirePageActor } from "@/server/auth/page-actor";

export const metadata: Metadata = { title: "Open consoles" };
export const dynamic = "force-dynamic";

export default async function ConsolesPage() {
  await requirePageActor(["ADMIN"], "/admin/consoles");
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">Open consoles</h1>
        <p className="mt-1 text-sm text-slate-600">
          Who is connected to which machine, since when, and how much has moved. Refreshes every few seconds.
        </p>
      </div>
      <ConsolesView />
    </div>
  );
}
