"use client";

// One lab machine on My labs: its live state, power buttons, a button per console the template offers, the files
// to download for desktop clients (.vv for SPICE, .rdp for RDP, .ovpn through the VPN page) and the hours left.
import Link from "next/link";
import type { ReactNode } from "react";
import { type ConsoleKind, consoleHref, offeredKinds } from "@/components/console/console-shared";
import { WatchBanner } from "@/components/console/watch-banner";
import { StateBadge, specsText } from "@/components/machines/machine-bits";
import { PowerActions } from "@/components/machines/power-actions";
import { buttonClass } from "@/components/ui/button";
import { canOpenConsole, refusal } from "@/lib/machine-states";
import type { MachineRow } from "@/stores/machines-store";
import { HoursLine, type HoursView } from "./hours-line";

const CONNECT_LABELS: Record<ConsoleKind, string> = {
  vnc: "Screen",
  exec: "Terminal",
  ssh: "SSH terminal",
  spice: "SPICE",
};

type LabClass = { id: string; name: string; hoursPerStudent: number; idleMinutes: number } | null;

type Props = {
  machine: MachineRow;
  labClass: LabClass;
  hours: HoursView | null;
  timers?: ReactNode;
  vpnEnabled: boolean;
};

export function LabCard({ machine, labClass, hours, timers, vpnEnabled }: Props) {
  const kinds = machine.template?.consoleKinds ?? [];
  const consoles = offeredKinds(machine.kind, kinds);
  const running = canOpenConsole(machine.state);
  const offersSpice = machine.kind === "LIBVIRT" && kinds.includes("spice");
  const offersRdp = kinds.includes("rdp");
  // the VPN (when the portal runs one) is how a desktop client (SSH, RDP) reaches the lab network
  const offersVpn = vpnEnabled && (kinds.includes("rdp") || kinds.includes("ssh"));
  const headingId = `lab-${machine.id}-name`;
  const notRunning = refusal("console", machine.state);
  // the server says whether the user's computer could reach the display / the machine (else why not)
  const vvRefusal = machine.downloads?.vv && !machine.downloads.vv.available ? machine.downloads.vv.reason : null;
  const rdpRefusal = machine.downloads?.rdp && !machine.downloads.rdp.available ? machine.downloads.rdp.reason : null;

  return (
    <li
      className="flex flex-col gap-3 rounded-lg border border-slate-200 bg-white p-4"
      aria-labelledby={headingId}
      data-testid={`lab-card-${machine.name}`}
      data-machine-id={machine.id}
    >
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div className="min-w-0">
          <h2 id={headingId} className="font-semibold break-words">
            {machine.name}
          </h2>
          <p className="text-sm text-slate-600">{labClass ? `Class: ${labClass.name}` : "Personal machine"}</p>
          <p className="text-xs text-slate-500">
            {machine.template?.name ?? "template deleted"} · {specsText(machine)}
          </p>
        </div>
        <div aria-live="polite">
          <StateBadge state={machine.state} testId="lab-state" />
        </div>
      </div>
      {machine.stateDetail && (
        <p className="break-words text-xs text-slate-600" data-testid="lab-state-detail">
          {machine.stateDetail}
        </p>
      )}

      <WatchBanner machineId={machine.id} />
      {hours && <HoursLine hours={hours} />}
      {timers}

      <PowerActions
        machine={machine}
        actions={["start", "stop", "reboot", "revert"]}
        primaryStart
        revertText="Your changes will be lost."
        testIdPrefix="lab"
      />

      {consoles.length > 0 && (
        <div>
          <h3 className="text-xs font-medium uppercase tracking-wide text-slate-500">Connect</h3>
          <div className="mt-1 flex flex-wrap gap-1.5">
            {consoles.map((k) =>
              running ? (
                <Link
                  key={k}
                  href={consoleHref(machine.id, k)}
                  className={buttonClass("secondary", "sm")}
                  aria-label={`${CONNECT_LABELS[k]} for ${machine.name}`}
                  data-testid={`lab-connect-${k}`}
                >
                  {CONNECT_LABELS[k]}
                </Link>
              ) : (
                <button
                  key={k}
                  type="button"
                  disabled
                  title={notRunning}
                  aria-label={`${CONNECT_LABELS[k]} for ${machine.name} (${notRunning})`}
                  className={buttonClass("secondary", "sm")}
                  data-testid={`lab-connect-${k}`}
                >
                  {CONNECT_LABELS[k]}
                </button>
              ),
            )}
          </div>
        </div>
      )}

      {(offersSpice || offersRdp || offersVpn) && (
        <div>
          <h3 className="text-xs font-medium uppercase tracking-wide text-slate-500">Desktop apps</h3>
          <div className="mt-1 flex flex-wrap gap-1.5">
            {offersSpice &&
              (vvRefusal ? (
                <span className="px-2.5 py-1 text-sm text-slate-600" data-testid="lab-vv-unavailable">
                  .vv file unavailable: {vvRefusal}
                </span>
              ) : running ? (
                <a
                  href={`/api/machines/${encodeURIComponent(machine.id)}/console.vv`}
                  download
                  className={buttonClass("ghost", "sm")}
                  data-testid="lab-download-vv"
                  title="Open it within a minute: its password then expires (a new download gives a new one)."
                >
                  Download .vv (remote-viewer)
                </a>
              ) : (
                <span className="px-2.5 py-1 text-sm text-slate-500" title={notRunning}>
                  .vv file: start the machine first
                </span>
              ))}
            {offersRdp && rdpRefusal && (
              <span className="px-2.5 py-1 text-sm text-slate-600" data-testid="lab-rdp-unavailable">
                .rdp file unavailable: {rdpRefusal}
              </span>
            )}
            {offersRdp && !rdpRefusal && (
              <a
                href={`/api/machines/${encodeURIComponent(machine.id)}/rdp`}
                download
                className={buttonClass("ghost", "sm")}
                data-testid="lab-download-rdp"
              >
                Download .rdp (Remote Desktop)
              </a>
            )}
            {offersVpn && (
              <Link href="/vpn" className={buttonClass("ghost", "sm")} data-testid="lab-vpn">
                VPN profile (.ovpn)
              </Link>
            )}
          </div>
        </div>
      )}
    </li>
  );
}
