"use client";

// Start / Stop / Restart / Revert for one lab machine (My labs and a class roster), without Delete: class
// machines are removed with their student or their class. Each button is enabled exactly when the state allows
// the action (the predicates the API checks); Stop and Revert ask first. A refusal from the API (a quota, hours
// used up) stays under the buttons of the machine it concerns.
import Link from "next/link";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/dialog";
import { api } from "@/lib/api";
import { allowed, refusal } from "@/lib/machine-states";
import { type MachineRow, useMachinesStore } from "@/stores/machines-store";

export type PowerAction = "start" | "stop" | "reboot" | "revert";
type Asking = "stop" | "revert" | null;

const LABELS: Record<PowerAction, string> = { start: "Start", stop: "Stop", reboot: "Restart", revert: "Revert" };
const PENDING: Record<PowerAction, string> = {
  start: "Starting…",
  stop: "Stopping…",
  reboot: "Restarting…",
  revert: "Reverting…",
};

type Props = {
  machine: MachineRow;
  actions?: readonly PowerAction[];
  /** What the revert dialog says is lost ("Your changes will be lost" on My labs). */
  revertText?: string;
  size?: "sm" | "md";
  /** Names the machine in button labels when the card's title is not enough (a roster: the student's name). */
  label?: string;
};

export function PowerActions({
  machine,
  actions = ["start", "stop", "reboot", "revert"],
  revertText,
  size = "sm",
  label,
}: Props) {
  const upsert = useMachinesStore((s) => s.upsert);
  const [working, setWorking] = useState<PowerAction | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [overQuota, setOverQuota] = useState(false);
  const [asking, setAsking] = useState<Asking>(null);
  const [force, setForce] = useState(false);
  const [dialogError, setDialogError] = useState<string | null>(null);
  const who = label ?? machine.name;

  async function run(action: PowerAction, body: { force?: boolean } = {}, inDialog = false): Promise<boolean> {
    setWorking(action);
    setError(null);
    const res = await api<MachineRow>(`/api/machines/${encodeURIComponent(machine.id)}/${action}`, {
      method: "POST",
      json: body,
    });
    setWorking(null);
    setOverQuota(!res.ok && res.error.code === "QUOTA_EXCEEDED");
    if (!res.ok) {
      if (inDialog) setDialogError(res.error.message);
      else setError(res.error.message);
      return false;
    }
    setDialogError(null);
    if (res.data?.id) upsert([res.data]);
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

  return (
    <div className="space-y-1">
      <div className="flex flex-wrap gap-1.5">
        {actions.map((action) => {
          const can = allowed(action, machine.state);
          return (
            <Button
              key={action}
              size={size}
              variant={action === "start" && can ? "primary" : "secondary"}
              disabled={!can || working !== null}
              title={can ? undefined : refusal(action, machine.state)}
              aria-label={`${LABELS[action]} ${who}`}
              pending={working === action}
              pendingLabel={PENDING[action]}
              onClick={() => (action === "stop" || action === "revert" ? ask(action) : void run(action))}
              data-testid={`lab-${action}`}
            >
              {LABELS[action]}
            </Button>
          );
        })}
      </div>
      {error && (
        <p role="alert" className="text-sm text-red-700" data-testid="lab-action-error">
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
        title={asking === "stop" ? `Stop ${machine.name}?` : asking === "revert" ? `Revert ${machine.name}?` : ""}
        confirmLabel={asking === "stop" ? (force ? "Power off now" : "Stop") : "Revert"}
        tone={asking === "stop" && !force ? "primary" : "danger"}
        pending={working !== null}
        error={dialogError}
        onConfirm={() => void confirm()}
        onCancel={cancel}
        testId="lab-dialog"
      >
        {asking === "stop" && (
          <>
            <p>
              <strong>{machine.name}</strong> is asked to shut down cleanly, as if its power button were pressed.
            </p>
            <label className="flex items-start gap-2">
              <input
                type="checkbox"
                checked={force}
                onChange={(e) => setForce(e.target.checked)}
                className="mt-0.5 h-4 w-4"
              />
              <span>
                <span className="font-medium text-slate-900">Force power off</span>
                <span className="block text-slate-600">
                  Cuts the power at once, like pulling the plug. Unsaved work is lost.
                </span>
              </span>
            </label>
          </>
        )}
        {asking === "revert" && (
          <>
            <p className="font-medium text-slate-900">{revertText ?? "All changes on this machine will be lost."}</p>
            <p>
              <strong>{machine.name}</strong> goes back to its baseline: files, installed software and settings changed
              since then are discarded.
            </p>
          </>
        )}
      </ConfirmDialog>
    </div>
  );
}
