"use client";

// My labs: one card per machine the signed-in person has (class machines and personal ones). States arrive over
// the live channel (the store patches the card; nothing reloads); a machine assigned meanwhile (a join finishing)
// makes the list load again.
import Link from "next/link";
import { useEffect, useState } from "react";
import type { LabItem } from "@/components/classes/types";
import { EmptyState } from "@/components/empty-state";
import { LabCard } from "@/components/labs/lab-card";
import { MachineTimers } from "@/components/labs/machine-timers";
import { hoursFromQuota } from "@/components/labs/quota";
import { LiveStatusNote } from "@/components/live-status-note";
import { RetryAlert } from "@/components/ui/alert";
import { useCoalesced } from "@/hooks/use-coalesced";
import { useLatestRequest } from "@/hooks/use-latest-request";
import { useMyQuota } from "@/hooks/use-my-quota";
import { api } from "@/lib/api";
import { useMachineLiveSync, useMachinesStore } from "@/stores/machines-store";

type Role = "ADMIN" | "TEACHER" | "STUDENT";

export function LabsClient({ role }: { role: Role }) {
  const upsert = useMachinesStore((s) => s.upsert);
  const byId = useMachinesStore((s) => s.byId);
  const gone = useMachinesStore((s) => s.gone);
  const { quota } = useMyQuota(); // follows machine events itself: the hours that are counting
  const [vpnEnabled, setVpnEnabled] = useState(false);
  // the machines go to the store, where live updates patch them
  const { data, error, reload } = useLatestRequest<{ items: LabItem[] }>("/api/me/labs", {
    onData: (d) => upsert(d.items.map((i) => i.machine)),
  });
  const items = data?.items ?? null;

  // the .ovpn link only when the portal's VPN is on
  useEffect(() => {
    let cancelled = false;
    void (async () => {
      const res = await api<{ enabled?: boolean }>("/api/vpn");
      if (!cancelled && res.ok) setVpnEnabled(res.data?.enabled === true);
    })();
    return () => {
      cancelled = true;
    };
  }, []);

  const scheduleReload = useCoalesced(() => void reload(), 1000);

  useMachineLiveSync({ onUnknown: scheduleReload, onReconnected: scheduleReload, onDeleted: scheduleReload });

  const cards = (items ?? [])
    .filter((i) => !gone[i.machine.id])
    .map((i) => ({ ...i, machine: byId[i.machine.id] ?? i.machine }));

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-semibold">My labs</h1>
        <div className="flex flex-wrap gap-4 text-sm">
          <Link href="/classes" className="text-brand-700 hover:underline">
            {role === "STUDENT" ? "My classes" : "Classes"}
          </Link>
          <Link href="/requests" className="text-brand-700 hover:underline">
            Quota and requests
          </Link>
        </div>
      </div>
      <LiveStatusNote />
      {error && <RetryAlert onRetry={reload}>Could not load your labs: {error}</RetryAlert>}
      {items === null && !error && (
        <p role="status" className="text-sm text-slate-600">
          Loading your labs…
        </p>
      )}
      {items !== null && cards.length === 0 && (
        <EmptyState title="No lab machines yet">
          When your teacher sends you an invite link, open it to join the class and get your machine.
        </EmptyState>
      )}
      {cards.length > 0 && (
        <ul className="grid gap-4 lg:grid-cols-2" aria-label="Lab machines">
          {cards.map(({ machine, class: labClass }) => (
            <LabCard
              key={machine.id}
              machine={machine}
              labClass={labClass}
              vpnEnabled={vpnEnabled}
              hours={hoursFromQuota(quota, labClass?.id ?? null)}
              timers={
                labClass && machine.state === "RUNNING" ? (
                  <MachineTimers machineId={machine.id} showHours={false} />
                ) : null
              }
            />
          ))}
        </ul>
      )}
    </div>
  );
}
