// The admin dashboard's hosts: each with its status badge (offline and degraded first), linking to the hosts page.
import Link from "next/link";
import { STATUS_CLASS, STATUS_LABEL } from "@/components/hosts/types";
import type { TDashboard } from "@/server/dashboard/routes";

type Hosts = Extract<TDashboard, { role: "ADMIN" }>["attention"]["hosts"];

export function HostStatusList({ hosts }: { hosts: Hosts }) {
  return (
    <section aria-labelledby="host-status" className="rounded-lg border border-slate-200 bg-white p-4">
      <div className="mb-3 flex items-center justify-between">
        <h2 id="host-status" className="font-semibold">
          Hosts
        </h2>
        <Link href="/admin/hosts" className="text-sm text-brand-600 hover:underline">
          Manage hosts
        </Link>
      </div>
      {hosts.items.length === 0 ? (
        <p className="text-sm text-slate-600">
          No hosts yet. <Link href="/admin/hosts">Add one</Link> so machines have somewhere to run.
        </p>
      ) : (
        <ul className="divide-y divide-slate-100 text-sm" data-testid="dashboard-hosts">
          {hosts.items.map((h) => (
            <li key={h.id} className="flex items-center justify-between gap-3 py-2">
              <span className="min-w-0">
                <Link href="/admin/hosts" className="font-medium hover:underline">
                  {h.name}
                </Link>
                {(h.cordoned || h.draining) && (
                  <span className="ml-2 text-xs text-slate-500">{h.draining ? "draining" : "cordoned"}</span>
                )}
                {h.status !== "ONLINE" && h.statusDetail && (
                  <span className="block truncate text-xs text-slate-500">{h.statusDetail}</span>
                )}
              </span>
              <span className={`shrink-0 rounded-full px-2 py-0.5 text-xs ring-1 ${STATUS_CLASS[h.status]}`}>
                {STATUS_LABEL[h.status]}
              </span>
            </li>
          ))}
          {hosts.total > hosts.items.length && (
            <li className="py-2 text-xs text-slate-500">
              and {hosts.total - hosts.items.length} more on the <Link href="/admin/hosts">hosts page</Link>
            </li>
          )}
        </ul>
      )}
    </section>
  );
}
