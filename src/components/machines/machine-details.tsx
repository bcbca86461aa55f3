"use client";

// One machine with its live state, the same action buttons as the list, and (for admins) where its display listens.
import Link from "next/link";
import { type ReactNode, useState } from "react";
import { WatchBanner } from "@/components/console/watch-banner";
import { LiveStatusNote } from "@/components/live-status-note";
import { MachineStats } from "@/components/stats/machine-stats";
import { Alert } from "@/components/ui/alert";
import { useMachine } from "@/stores/machines-store";
import { DriftBadge, formatDate, formatMemory, kindLabel, type Role, StateBadge } from "./machine-bits";
import { MachineNotLoaded } from "./machine-not-loaded";
import { PowerActions } from "./power-actions";

function Item({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="py-2 sm:grid sm:grid-cols-[12rem_1fr] sm:gap-4">
      <dt className="text-sm font-medium text-slate-600">{label}</dt>
      <dd className="mt-0.5 min-w-0 break-words text-sm text-slate-900 sm:mt-0">{children}</dd>
    </div>
  );
}

export function MachineDetails({ id, role }: { id: string; role: Role }) {
  const { machine, gone, error, load } = useMachine(id);
  const [deletedHere, setDeletedHere] = useState(false);

  const back = (
    <Link href="/machines" className="text-sm text-brand-700 hover:underline">
      ← All machines
    </Link>
  );

  if (gone && !machine) {
    return (
      <div className="space-y-4">
        {back}
        <Alert tone={deletedHere ? "success" : "info"} testId="machine-gone">
          {deletedHere ? "The machine and its disk were deleted." : "This machine no longer exists. It was deleted."}
        </Alert>
      </div>
    );
  }

  if (!machine) {
    return (
      <div className="space-y-4">
        {back}
        <MachineNotLoaded error={error} onRetry={load} />
      </div>
    );
  }

  const m = machine;
  const staff = role !== "STUDENT";
  return (
    <div className="space-y-6" data-testid="machine-details" data-machine-id={m.id}>
      {back}
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <h1 className="text-2xl font-semibold break-words">{m.name}</h1>
          <p className="text-sm text-slate-600">
            {kindLabel(m.kind)} · {m.template ? m.template.name : "template deleted"}
          </p>
        </div>
        <StateBadge state={m.state} testId="machine-state" />
      </div>

      <LiveStatusNote />

      <WatchBanner machineId={m.id} />

      <section aria-label="State and actions" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
        {m.stateDetail && (
          <p className="text-sm text-slate-700" data-testid="machine-state-detail">
            {m.stateDetail}
          </p>
        )}
        {m.drift && <DriftBadge drift={m.drift} driftAt={m.driftAt} />}
        <PowerActions machine={m} size="md" consoles onDeleted={() => setDeletedHere(true)} />
      </section>

      <MachineStats machineId={m.id} running={m.state === "RUNNING"} />

      <section aria-labelledby="machine-facts" className="rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="machine-facts" className="mb-2 font-semibold">
          Details
        </h2>
        <dl className="divide-y divide-slate-100">
          <Item label="Addresses">
            {m.ipAddresses.length ? <span className="font-mono">{m.ipAddresses.join(", ")}</span> : "None reported yet"}
          </Item>
          <Item label="Size">
            {m.vcpus} vCPU · {formatMemory(m.memoryMb)} RAM · {m.diskGb} GB disk
            {m.kind === "LIBVIRT" ? (m.fullCopy ? " (full copy)" : " (linked to the template)") : ""}
          </Item>
          {m.template && (
            <>
              <Item label="Template">
                {staff ? (
                  <Link href="/templates" className="text-brand-700 hover:underline">
                    {m.template.name}
                  </Link>
                ) : (
                  m.template.name
                )}{" "}
                <span className="text-slate-500">({m.template.osType === "WINDOWS" ? "Windows" : "Linux"})</span>
              </Item>
              <Item label="Consoles">
                {m.template.consoleKinds.length ? (
                  <span className="flex flex-wrap gap-1">
                    {m.template.consoleKinds.map((k) => (
                      <span
                        key={k}
                        className="rounded bg-slate-100 px-1.5 py-0.5 text-xs font-medium uppercase text-slate-700"
                      >
                        {k}
                      </span>
                    ))}
                  </span>
                ) : (
                  "None"
                )}
              </Item>
            </>
          )}
          {staff && (
            <Item label="Owner">
              {m.owner ? (
                <>
                  {m.owner.name} <span className="text-slate-500">({m.owner.email})</span>
                </>
              ) : (
                "Nobody"
              )}
            </Item>
          )}
          {m.class && <Item label="Class">{m.class.name}</Item>}
          {role === "ADMIN" && (
            <Item label="Host">
              {m.host ? (
                <>
                  <Link href="/admin/hosts" className="text-brand-700 hover:underline">
                    {m.host.name}
                  </Link>{" "}
                  <span className="text-slate-500">({m.host.status.toLowerCase()})</span>
                </>
              ) : (
                "None yet"
              )}
            </Item>
          )}
          {role === "ADMIN" && (
            <Item label="Display">
              {m.display ? (
                <span className="font-mono" data-testid="machine-display">
                  {m.display.host}
                  {m.display.vncPort !== null && ` · VNC ${m.display.vncPort}`}
                  {m.display.spicePort !== null && ` · SPICE ${m.display.spicePort}`}
                </span>
              ) : (
                "Not listening (the machine is not running, or it is a container)"
              )}
            </Item>
          )}
          <Item label="Created">{formatDate(m.createdAt)}</Item>
          <Item label="Last started">{formatDate(m.lastStartedAt)}</Item>
          <Item label="Last stopped">{formatDate(m.lastStoppedAt)}</Item>
        </dl>
      </section>
    </div>
  );
}
