"use client";

// The console page: the machine's name and state, a back link, the kinds of console its template offers, and the
// console itself. A console opens only while the machine runs; once opened it stays (a restart keeps the page).
import Link from "next/link";
import { type ReactNode, useEffect, useState } from "react";
import { WatchBanner } from "@/components/console/watch-banner";
import { SignInHint } from "@/components/labs/sign-in-hint";
import { StateBadge } from "@/components/machines/machine-bits";
import { MachineNotLoaded } from "@/components/machines/machine-not-loaded";
import { PowerActions } from "@/components/machines/power-actions";
import { Alert } from "@/components/ui/alert";
import { canOpenConsole, refusal } from "@/lib/machine-states";
import { useMachine } from "@/stores/machines-store";
import { type ConsoleKind, consoleHref, KIND_LABELS, offeredKinds } from "./console-shared";
import { SpiceConsole } from "./spice-console";
import { TerminalConsole } from "./terminal-console";
import { VncConsole } from "./vnc-console";

export function ConsoleClient({
  id,
  requested,
  viewOnly,
}: {
  id: string;
  requested: ConsoleKind | null;
  viewOnly: boolean;
}) {
  const { machine, gone, error, load } = useMachine(id);
  const [opened, setOpened] = useState(false);

  const running = machine ? canOpenConsole(machine.state) : false;
  useEffect(() => {
    if (running) setOpened(true);
  }, [running]);

  const backHref = `/machines/${encodeURIComponent(id)}`;

  if (!machine) {
    return (
      <div className="space-y-4">
        <Link href={gone ? "/machines" : backHref} className="text-sm text-brand-700 hover:underline">
          ← {gone ? "All machines" : "Back to the machine"}
        </Link>
        {gone ? (
          <Alert tone="info">This machine no longer exists. It was deleted.</Alert>
        ) : (
          <MachineNotLoaded error={error} onRetry={load} />
        )}
      </div>
    );
  }

  const m = machine;
  const offered = offeredKinds(m.kind, m.template?.consoleKinds ?? []);
  const kind = requested ?? offered[0] ?? null;
  const isOffered = kind !== null && offered.includes(kind);

  let body: ReactNode;
  if (gone) {
    body = <Alert tone="info">This machine was deleted; its console is closed.</Alert>;
  } else if (offered.length === 0) {
    body = <Alert tone="info">This machine&apos;s template offers no console that works in the browser.</Alert>;
  } else if (!kind || !isOffered) {
    body = (
      <Alert tone="warning" testId="console-not-offered">
        This machine does not offer a {kind ? KIND_LABELS[kind] : ""} console. Choose one of the consoles above.
      </Alert>
    );
  } else if (!opened) {
    body = (
      <div className="space-y-3 rounded-lg border border-slate-200 bg-white p-4" data-testid="console-not-running">
        <p className="text-sm text-slate-800">
          {refusal("console", m.state)} The console opens by itself once the machine runs.
        </p>
        <PowerActions machine={m} />
      </div>
    );
  } else if (kind === "vnc") {
    body = <VncConsole key={`vnc-${viewOnly}`} machineId={m.id} viewOnlyTicket={viewOnly} running={running} />;
  } else if (kind === "spice") {
    body = <SpiceConsole key={`spice-${viewOnly}`} machineId={m.id} viewOnlyTicket={viewOnly} running={running} />;
  } else {
    body = (
      <TerminalConsole
        key={`${kind}-${viewOnly}`}
        machineId={m.id}
        kind={kind}
        viewOnlyTicket={viewOnly}
        running={running}
      />
    );
  }

  return (
    <div className="space-y-3" data-testid="console-page" data-machine-id={m.id}>
      <div className="flex flex-wrap items-center justify-between gap-x-4 gap-y-2">
        <div className="min-w-0">
          <Link href={backHref} className="text-sm text-brand-700 hover:underline" data-testid="console-back">
            ← Back to {m.name}
          </Link>
          <h1 className="flex flex-wrap items-center gap-2 text-xl font-semibold break-words">
            <span className="min-w-0 break-words">{m.name}</span>
            <StateBadge state={m.state} testId="machine-state" />
          </h1>
        </div>
        {offered.length > 0 && (
          <nav aria-label="Console kinds" className="flex flex-wrap gap-1 rounded-lg bg-slate-100 p-1">
            {offered.map((k) => {
              const current = k === kind;
              return (
                <Link
                  key={k}
                  href={consoleHref(m.id, k, viewOnly)}
                  aria-current={current ? "page" : undefined}
                  className={`rounded-md px-3 py-1 text-sm font-medium ${current ? "bg-white text-brand-700 shadow-sm" : "text-slate-700 hover:bg-white/60"}`}
                  data-testid={`console-kind-${k}`}
                >
                  {KIND_LABELS[k]}
                </Link>
              );
            })}
          </nav>
        )}
      </div>
      <WatchBanner machineId={m.id} />
      <SignInHint sshUser={m.template?.sshUser} consoleKinds={m.template?.consoleKinds ?? []} />
      {body}
    </div>
  );
}
