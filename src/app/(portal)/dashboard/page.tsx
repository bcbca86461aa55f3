import type { Metadata } from "next";
import Link from "next/link";
import { HostStatusList } from "@/components/dashboard/host-status-list";
import { EmptyState } from "@/components/empty-state";
import { requirePageActor } from "@/server/auth/page-actor";
import { FAILED_JOB_DAYS, getDashboard } from "@/server/dashboard/get-dashboard";

export const metadata: Metadata = { title: "Dashboard" };

export default async function DashboardPage({ searchParams }: { searchParams: Promise<{ denied?: string }> }) {
  const actor = await requirePageActor();
  const { denied } = await searchParams;
  const data = await getDashboard(actor);
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Welcome, {actor.name}</h1>
      {denied && (
        <p role="alert" className="rounded-md bg-red-50 px-4 py-3 text-sm text-red-800">
          That page is not available to your account.
        </p>
      )}
      {data.role === "ADMIN" && (
        <>
          <section aria-labelledby="counts" className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6">
            <h2 id="counts" className="sr-only">
              Totals
            </h2>
            {Object.entries(data.counts).map(([label, value]) => (
              <div key={label} className="rounded-lg border border-slate-200 bg-white p-4">
                <div className="text-2xl font-semibold" data-testid={`count-${label}`}>
                  {value}
                </div>
                <div className="text-sm capitalize text-slate-600">{label}</div>
              </div>
            ))}
          </section>
          <section aria-labelledby="attention" className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-4">
            <h2 id="attention" className="sr-only">
              Hosts, machines, jobs and requests
            </h2>
            {[
              {
                key: "hosts",
                href: "/admin/hosts",
                value: data.attention.hosts.total,
                label: "Hosts",
                detail:
                  data.attention.hosts.total === 0
                    ? "None yet: add one"
                    : [
                        `${data.attention.hosts.online} online`,
                        data.attention.hosts.degraded ? `${data.attention.hosts.degraded} degraded` : "",
                        data.attention.hosts.offline ? `${data.attention.hosts.offline} offline` : "",
                      ]
                        .filter(Boolean)
                        .join(" · "),
                warn:
                  data.attention.hosts.total === 0 ||
                  data.attention.hosts.offline > 0 ||
                  data.attention.hosts.degraded > 0,
              },
              {
                key: "running",
                href: "/machines",
                value: data.attention.runningMachines,
                label: "Running machines",
                detail: "Across all hosts",
                warn: false,
              },
              {
                key: "failed-jobs",
                href: "/jobs",
                value: data.attention.failedJobs,
                label: "Failed jobs",
                detail: `In the last ${FAILED_JOB_DAYS} days`,
                warn: data.attention.failedJobs > 0,
              },
              {
                key: "pending-requests",
                href: "/requests",
                value: data.attention.pendingRequests,
                label: "Pending requests",
                detail: "Quota requests to decide",
                warn: data.attention.pendingRequests > 0,
              },
            ].map((c) => (
              <Link
                key={c.key}
                href={c.href}
                className={`rounded-lg border bg-white p-4 hover:border-brand-400 ${c.warn ? "border-amber-300" : "border-slate-200"}`}
                data-testid={`card-${c.key}`}
              >
                <div className="text-2xl font-semibold" data-testid={`card-${c.key}-value`}>
                  {c.value}
                </div>
                <div className="text-sm font-medium text-slate-700">{c.label}</div>
                <div className={`text-xs ${c.warn ? "text-amber-800" : "text-slate-500"}`}>{c.detail}</div>
              </Link>
            ))}
          </section>
          <HostStatusList hosts={data.attention.hosts} />
          <div className="grid gap-6 lg:grid-cols-2">
            <section className="rounded-lg border border-slate-200 bg-white p-4">
              <div className="mb-3 flex items-center justify-between">
                <h2 className="font-semibold">Newest users</h2>
                <Link href="/admin/users" className="text-sm text-brand-600 hover:underline">
                  Manage users
                </Link>
              </div>
              <ul className="divide-y divide-slate-100 text-sm">
                {data.recentUsers.map((u) => (
                  <li key={u.id} className="flex justify-between py-2">
                    <span>
                      {u.name} <span className="text-slate-500">{u.email}</span>
                    </span>
                    <span className="text-xs uppercase text-slate-500">{u.role}</span>
                  </li>
                ))}
              </ul>
            </section>
            <section className="rounded-lg border border-slate-200 bg-white p-4">
              <div className="mb-3 flex items-center justify-between">
                <h2 className="font-semibold">Recent activity</h2>
                <Link href="/admin/audit" className="text-sm text-brand-600 hover:underline">
                  Audit log
                </Link>
              </div>
              {data.recentEvents.length === 0 ? (
                <p className="text-sm text-slate-600">Nothing has happened yet.</p>
              ) : (
                <ul className="divide-y divide-slate-100 text-sm">
                  {data.recentEvents.map((e) => (
                    <li key={e.id} className="py-2">
                      <span className="font-mono text-xs">{e.action}</span>{" "}
                      {e.targetName && <span>· {e.targetName}</span>}{" "}
                      <span className="text-slate-500">by {e.actorEmail ?? "system"}</span>
                    </li>
                  ))}
                </ul>
              )}
            </section>
          </div>
        </>
      )}
      {data.role === "TEACHER" && (
        <section>
          <h2 className="mb-3 font-semibold">Your classes</h2>
          {data.classes.length === 0 ? (
            <EmptyState title="No classes yet — create one">
              A class gives each of your students a lab machine from a template you choose.
            </EmptyState>
          ) : (
            <ul className="grid gap-3 sm:grid-cols-2">
              {data.classes.map((c) => (
                <li key={c.id} className="rounded-lg border border-slate-200 bg-white p-4">
                  <div className="font-medium">{c.name}</div>
                  <div className="text-sm text-slate-600">
                    {c.students} students · {c.machines} machines
                  </div>
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
      {data.role === "STUDENT" && (
        <section>
          <h2 className="mb-3 font-semibold">My labs</h2>
          {data.machines.length === 0 ? (
            <EmptyState title="No lab machines yet">
              When your teacher sends you an invite link, open it to join the class and get your machine.
            </EmptyState>
          ) : (
            <ul className="grid gap-3 sm:grid-cols-2">
              {data.machines.map((m) => (
                <li key={m.id} className="rounded-lg border border-slate-200 bg-white p-4">
                  <div className="font-medium">{m.name}</div>
                  <div className="text-sm text-slate-600">
                    {m.className ?? "Personal"} · {m.state.toLowerCase()}
                  </div>
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
    </div>
  );
}
