"use client";

// Admin quotas: usage against limits per user (filter, sort, edit plan and overrides, grant hours), plans, and
// the requests queue. Three tabs; the tab is kept in the address (?tab=) so a link can open the queue.
import { useState } from "react";
import type { Plan } from "@/components/requests/quota-format";
import { RequestsList } from "@/components/requests/requests-list";
import { useLatestRequest } from "@/hooks/use-latest-request";
import { PlansPanel } from "./plans-panel";
import { UsagePanel } from "./usage-panel";

const NO_PLANS: Plan[] = [];
type Tab = "usage" | "plans" | "requests";
const TABS: { id: Tab; label: string }[] = [
  { id: "usage", label: "Usage" },
  { id: "plans", label: "Plans" },
  { id: "requests", label: "Requests" },
];

export function QuotasClient({ initialTab }: { initialTab: Tab }) {
  const [tab, setTab] = useState<Tab>(initialTab);
  const { data, error: plansError, reload: loadPlans } = useLatestRequest<{ items: Plan[] }>("/api/admin/plans");
  const plans = data?.items ?? NO_PLANS;

  function choose(next: Tab) {
    setTab(next);
    const url = new URL(window.location.href);
    if (next === "usage") url.searchParams.delete("tab");
    else url.searchParams.set("tab", next);
    window.history.replaceState(null, "", url);
  }

  function onKey(e: React.KeyboardEvent, index: number) {
    const delta = e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0;
    if (!delta) return;
    e.preventDefault();
    const next = TABS[(index + delta + TABS.length) % TABS.length] as (typeof TABS)[number];
    choose(next.id);
    document.getElementById(`quota-tab-${next.id}`)?.focus();
  }

  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Quotas</h1>
      <div role="tablist" aria-label="Quota views" className="flex gap-1 border-b border-slate-200">
        {TABS.map((t, i) => (
          <button
            key={t.id}
            id={`quota-tab-${t.id}`}
            type="button"
            role="tab"
            aria-selected={tab === t.id}
            aria-controls={`quota-panel-${t.id}`}
            tabIndex={tab === t.id ? 0 : -1}
            onClick={() => choose(t.id)}
            onKeyDown={(e) => onKey(e, i)}
            data-testid={`quota-tab-${t.id}`}
            className={`-mb-px border-b-2 px-4 py-2 text-sm font-medium ${tab === t.id ? "border-brand-600 text-brand-700" : "border-transparent text-slate-600 hover:text-slate-900"}`}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div id={`quota-panel-${tab}`} role="tabpanel" aria-labelledby={`quota-tab-${tab}`}>
        {tab === "usage" && <UsagePanel plans={plans} />}
        {tab === "plans" && <PlansPanel plans={plans} error={plansError} onChanged={() => void loadPlans()} />}
        {tab === "requests" && <RequestsList scope="all" canDecide isAdmin title="Requests" testId="admin-requests" />}
      </div>
    </div>
  );
}
