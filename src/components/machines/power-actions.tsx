"use client";

// Start / Stop / Restart / Revert / Delete for one machine, and optionally a link to each console its template
// offers. One component for every place a machine has buttons: the machines list and page and the console page
// (all actions, testids `machine-*`), My labs and a class roster (no Delete — class machines go with their student
// or class — testids `lab-*`). Each button is enabled exactly when the state allows the action (the same
// predicates the API checks); a disabled button says why in its title. Stop, Revert and Delete ask first. An error
// from the API stays under the buttons of the machine it concerns; a quota refusal links to the request form.
import Link from "next/link";
import { useState } from "react";
import { type ConsoleKind, consoleHref, offeredKinds } from "@/components/console/console-shared";
import { Button, buttonClass } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/dialog";
import { api } from "@/lib/api";
import { allowed, type MachineAction, refusal } from "@/lib/machine-states";
import { type MachineRow, useMachinesStore } from "@/stores/machines-store";

export type PowerAction = Exclude<MachineAction, "console">;
type Asking = "stop" | "revert" | "delete" | null;
type Size = "sm" | "md";

const ALL: readonly PowerAction[] = ["start", "stop", "reboot", "revert", "delete"];
const LABELS: Record<PowerAction, string> = {
  start: "Start",
  stop: "Stop",
  reboot: "Restart",
  revert: "Revert",
  delete: "Delete",
};
const PENDING: Record<PowerAction, string> = {
  start: "Starting…",
  stop: "Stopping…",
  reboot: "Restarting…",
  revert: "Reverting…",
  delete: "Deleting…",
};
const CONSOLE_LABELS: Record<ConsoleKind, string> = { vnc: "Console", exec: "Terminal", ssh: "SSH", spice: "SPICE" };
const CONSOLE_TITLES: Record<ConsoleKind, string> = {
  vnc: "Open the screen in the browser (VNC)",
  exec: "Open a shell in the browser",
  ssh: "Open an SSH terminal in the browser",
  spice: "SPICE console",
};

/** A link to the machine's console of one kind; a disabled button saying why while the machine cannot have one. */
function ConsoleLink({ machine, kind, size }: { machine: MachineRow; kind: ConsoleKind; size: Size }) {
  const label = CONSOLE_LABELS[kind];
  if (!allowed("console", machine.state)) {
    return (
      <Button
        size={size}
        variant="secondary"
        disabled
        title={refusal("console", machine.state)}
        aria-label={`${label} for ${machine.name}`}
        data-testid={`machine-console-${kind}`}
      >
        {label}
      </Button>
    );
  }
  return (
    <Link
      href={consoleHref(machine.id, kind)}
      className={buttonClass("secondary", size)}
      title={CONSOLE_TITLES[kind]}
      aria-label={`${label} for ${machine.name}`}
      data-testid={`machine-console-${kind}`}
    >
      {label}
    </Link>
  );
}

type Props = {
  machine: MachineRow;
  /** The buttons, in this order (default: all five). */
  actions?: readonly PowerAction[];
  size?: Size;
  /** Console links after the buttons (the machines list and page). */
  consoles?: boolean;
  /** Start is the primary button while it is allowed (a lab card, where starting is what one comes for). */
  primaryStart?: boolean;
  /** Names the machine in button labels when its name is not enough (a roster: the student's name). */
  label?: string;
  /** What the revert dialog says is lost ("Your changes will be lost." on My labs). */
  revertText?: string;
  /** Prefix of the testids: `machine-start`, `lab-start`, … */
  testIdPrefix?: "machine" | "lab";
  onDeleted?: () => void;
};

export function PowerActions({
  machine,
  actions = ALL,
  size = "sm",
  consoles = false,
  primaryStart = false,
  label,
  revertText = "All changes on this machine will be lost.",
  testIdPrefix = "machine",
  onDeleted,
}: Props) {
  const upsert = useMachinesStore((s) => s.upsert);
  const [working, setWorking] = useState<PowerAction | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [overQuota, setOverQuota] = useState(false);
  const [asking, setAsking] = useState<Asking>(null);
  const [force, setForce] = useState(false);
  const [dialogError, setDialogError] = useState<string | null>(null);
  const who = label ?? machine.name;
  const deleteRefusal = actions.includes("delete") ? (machine.deleteRefusal ?? null) : null;

  async function run(action: PowerAction, body: { force?: boolean } = {}, inDialog = false): Promise<boolean> {
    setWorking(action);
    setError(null);
    const id = encodeURIComponent(machine.id);
    const res =
      action === "delete"
        ? await api<MachineRow>(`/api/machines/${id}`, { method: "DELETE" })
        : await api<MachineRow>(`/api/machines/${id}/${action}`, { method: "POST", json: body });
    setWorking(null);
    setOverQuota(!res.ok && res.error.code === "QUOTA_EXCEEDED");
    if (!res.ok) {
      if (inDialog) setDialogError(res.error.message);
      else setError(res.error.message);
      return false;
    }
    setDialogError(null);
    if (res.data?.id) upsert([res.data]);
    if (action === "delete") onDeleted?.();
    return true;
  }

  function ask(which: Exclude<Asking, null>) {
    setError(null);
    setDialogError(null);
    setForce(false);
    setAsking(which);
  }

  async function confirm() {
    if (!asking) return;
    if (await run(asking, asking === "stop" ? { force } : {}, true)) setAsking(null);
  }

  function cancel() {
    if (dialogError) setError(dialogError);
    setDialogError(null);
    setAsking(null);
  }

  const name = <strong>{machine.name}</strong>;

  return (
    <div className="space-y-1">
      <div className="flex flex-wrap gap-1.5">
        {actions.map((action) => {
          // a student's class machine cannot be deleted by the student (the API refuses with the same sentence)
          const classRefusal = action === "delete" ? deleteRefusal : null;
          const can = allowed(action, machine.state) && !classRefusal;
          const variant =
            can && action === "delete" ? "danger" : can && action === "start" && primaryStart ? "primary" : "secondary";
          return (
            <Button
              key={action}
              size={size}
              variant={variant}
              disabled={!can || working !== null}
              title={can ? undefined : (classRefusal ?? refusal(action, machine.state))}
              aria-label={`${LABELS[action]} ${who}`}
              pending={working === action}
              pendingLabel={PENDING[action]}
              onClick={() =>
                action === "stop" || action === "revert" || action === "delete" ? ask(action) : void run(action)
              }
              data-testid={`${testIdPrefix}-${action}`}
            >
              {LABELS[action]}
            </Button>
          );
        })}
        {consoles &&
          offeredKinds(machine.kind, machine.template?.consoleKinds ?? []).map((k) => (
            <ConsoleLink key={k} machine={machine} kind={k} size={size} />
          ))}
      </div>
      {deleteRefusal && (
        <p className="text-xs text-slate-600" data-testid="machine-delete-refusal">
          {deleteRefusal}
        </p>
      )}
      {error && (
        <p role="alert" className="text-sm text-red-700" data-testid={`${testIdPrefix}-action-error`}>
          {error}
          {overQuota && (
            <>
              {" "}
              <Link href="/requests" className="font-medium underline">
                Request more
              </Link>
            </>
          )}
        </p>
      )}

      <ConfirmDialog
        open={asking !== null}
        title={asking ? `${LABELS[asking]} ${machine.name}?` : ""}
        confirmLabel={
          asking === "stop" ? (force ? "Power off now" : "Stop") : asking === "revert" ? "Revert" : "Delete machine"
        }
        tone={asking === "stop" && !force ? "primary" : "danger"}
        pending={working !== null}
        error={dialogError}
        onConfirm={() => void confirm()}
        onCancel={cancel}
        testId={`${testIdPrefix}-dialog`}
      >
        {asking === "stop" && (
          <>
            <p>{name} is asked to shut down cleanly, as if its power button were pressed.</p>
            <label className="flex items-start gap-2">
              <input
                type="checkbox"
                checked={force}
                onChange={(e) => setForce(e.target.checked)}
                className="mt-0.5 h-4 w-4"
                data-testid="stop-force"
              />
              <span>
                <span className="font-medium text-slate-900">Force power off</span>
                <span className="block text-slate-600">
                  Cuts the power at once, like pulling the plug. Use it when the machine does not react; unsaved work is
                  lost.
                </span>
              </span>
            </label>
          </>
        )}
        {asking === "revert" && (
          <>
            <p className="font-medium text-slate-900">{revertText}</p>
            <p>
              {name} goes back to its baseline: files, installed software and settings changed since then are discarded.
            </p>
          </>
        )}
        {asking === "delete" && (
          <p>
            The machine {name} is removed, and its disk with everything on it is deleted from the host. This cannot be
            undone.
          </p>
        )}
      </ConfirmDialog>
    </div>
  );
}
