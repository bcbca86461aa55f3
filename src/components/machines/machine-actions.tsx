"use client";

// Start / Stop / Restart / Revert / Delete for one machine, and a link to each console its template offers. Each
// button is enabled exactly when the state allows the action (the same predicates the API checks); a disabled button
// says why in its title. Stop, Revert and Delete ask first. An error from the API stays next to the buttons of the
// machine it concerns.
import Link from "next/link";
import { useState } from "react";
import { type ConsoleKind, consoleHref, offeredKinds } from "@/components/console/console-shared";
import { Button, buttonClass } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/dialog";
import { api } from "@/lib/api";
import { allowed, type MachineAction, refusal } from "@/lib/machine-states";
import { type MachineRow, useMachinesStore } from "@/stores/machines-store";

type Action = Exclude<MachineAction, "console">;
type Asking = "stop" | "revert" | "delete" | null;

const LABELS: Record<Action, string> = {
  start: "Start",
  stop: "Stop",
  reboot: "Restart",
  revert: "Revert",
  delete: "Delete",
};
const PENDING: Record<Action, string> = {
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
function ConsoleLink({ machine, kind, size }: { machine: MachineRow; kind: ConsoleKind; size: "sm" | "md" }) {
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

export function MachineActions({
  machine,
  size = "sm",
  onDeleted,
  showConsoles = true,
}: {
  machine: MachineRow;
  size?: "sm" | "md";
  onDeleted?: () => void;
  showConsoles?: boolean;
}) {
  const upsert = useMachinesStore((s) => s.upsert);
  const [working, setWorking] = useState<Action | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [asking, setAsking] = useState<Asking>(null);
  const [force, setForce] = useState(false);
  const [dialogError, setDialogError] = useState<string | null>(null);

  async function run(action: Action, body: { force?: boolean } = {}): Promise<boolean> {
    setWorking(action);
    setError(null);
    const id = encodeURIComponent(machine.id);
    const res =
      action === "delete"
        ? await api<MachineRow>(`/api/machines/${id}`, { method: "DELETE" })
        : await api<MachineRow>(`/api/machines/${id}/${action}`, { method: "POST", json: body });
    setWorking(null);
    if (!res.ok) {
      if (asking) setDialogError(res.error.message);
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
    const ok = await run(asking, asking === "stop" ? { force } : {});
    if (ok) setAsking(null);
  }

  function cancel() {
    if (dialogError) setError(dialogError);
    setDialogError(null);
    setAsking(null);
  }

  const button = (action: Action, onClick: () => void, variant: "secondary" | "danger" = "secondary") => {
    // a student's class machine cannot be deleted by the student (the API refuses with the same sentence)
    const classRefusal = action === "delete" ? (machine.deleteRefusal ?? null) : null;
    const can = allowed(action, machine.state) && !classRefusal;
    return (
      <Button
        size={size}
        variant={variant === "danger" && can ? "danger" : "secondary"}
        disabled={!can || working !== null}
        title={can ? undefined : (classRefusal ?? refusal(action, machine.state))}
        aria-label={`${LABELS[action]} ${machine.name}`}
        pending={working === action}
        pendingLabel={PENDING[action]}
        onClick={onClick}
        data-testid={`machine-${action}`}
      >
        {LABELS[action]}
      </Button>
    );
  };

  const name = <strong>{machine.name}</strong>;

  return (
    <div className="space-y-1">
      <div className="flex flex-wrap gap-1.5">
        {button("start", () => void run("start"))}
        {button("stop", () => ask("stop"))}
        {button("reboot", () => void run("reboot"))}
        {button("revert", () => ask("revert"))}
        {button("delete", () => ask("delete"), "danger")}
        {showConsoles &&
          offeredKinds(machine.kind, machine.template?.consoleKinds ?? []).map((k) => (
            <ConsoleLink key={k} machine={machine} kind={k} size={size} />
          ))}
      </div>
      {machine.deleteRefusal && (
        <p className="text-xs text-slate-600" data-testid="machine-delete-refusal">
          {machine.deleteRefusal}
        </p>
      )}
      {error && (
        <p role="alert" className="text-sm text-red-700" data-testid="machine-action-error">
          {error}
        </p>
      )}

      <ConfirmDialog
        open={asking !== null}
        title={
          asking ? `${asking === "stop" ? "Stop" : asking === "revert" ? "Revert" : "Delete"} ${machine.name}?` : ""
        }
        confirmLabel={
          asking === "stop" ? (force ? "Power off now" : "Stop") : asking === "revert" ? "Revert" : "Delete machine"
        }
        tone={asking === "stop" && !force ? "primary" : "danger"}
        pending={working !== null}
        error={dialogError}
        onConfirm={() => void confirm()}
        onCancel={cancel}
        testId="machine-dialog"
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
            <p>All changes on this machine will be lost; it goes back to the template&apos;s baseline.</p>
            <p className="text-slate-600">Machine: {name}</p>
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
