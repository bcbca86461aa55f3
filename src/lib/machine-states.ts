// Machine states and what may be done in each. Client-safe: the buttons on a page and the API's checks use
// these same predicates, so a button is enabled exactly when the action would be accepted.

export const MACHINE_STATES = [
  "PROVISIONING",
  "STOPPED",
  "STARTING",
  "RUNNING",
  "STOPPING",
  "REBOOTING",
  "REVERTING",
  "DELETING",
  "FAILED",
  "UNKNOWN",
] as const;
export type MachineState = (typeof MACHINE_STATES)[number];

export type MachineAction = "start" | "stop" | "reboot" | "revert" | "delete" | "console";

/** States in which the portal is working on the machine: no other action until it settles. */
export const BUSY_STATES: readonly MachineState[] = [
  "PROVISIONING",
  "STARTING",
  "STOPPING",
  "REBOOTING",
  "REVERTING",
  "DELETING",
];

export const isBusy = (s: string) => (BUSY_STATES as readonly string[]).includes(s);
export const canStart = (s: string) => s === "STOPPED";
export const canStop = (s: string) => s === "RUNNING" || s === "UNKNOWN";
export const canReboot = (s: string) => s === "RUNNING";
export const canRevert = (s: string) => s === "STOPPED" || s === "RUNNING" || s === "FAILED" || s === "UNKNOWN";
export const canDelete = (s: string) => !isBusy(s);
export const canOpenConsole = (s: string) => s === "RUNNING";

export function allowed(action: MachineAction, state: string): boolean {
  switch (action) {
    case "start":
      return canStart(state);
    case "stop":
      return canStop(state);
    case "reboot":
      return canReboot(state);
    case "revert":
      return canRevert(state);
    case "delete":
      return canDelete(state);
    case "console":
      return canOpenConsole(state);
  }
}

/** Why an action is not possible now, in words for the person who pressed the button. */
export function refusal(action: MachineAction, state: string): string {
  const now = STATE_LABELS[state as MachineState] ?? state.toLowerCase();
  if (isBusy(state)) return `The machine is ${now.toLowerCase()}; wait until it has finished.`;
  const verbs: Record<MachineAction, string> = {
    start: "started",
    stop: "stopped",
    reboot: "restarted",
    revert: "reverted",
    delete: "deleted",
    console: "opened in a console",
  };
  return `A machine that is ${now.toLowerCase()} cannot be ${verbs[action]}.`;
}

export const STATE_LABELS: Record<MachineState, string> = {
  PROVISIONING: "Creating",
  STOPPED: "Stopped",
  STARTING: "Starting",
  RUNNING: "Running",
  STOPPING: "Stopping",
  REBOOTING: "Restarting",
  REVERTING: "Reverting",
  DELETING: "Deleting",
  FAILED: "Failed",
  UNKNOWN: "Unknown",
};

export const CONSOLE_KINDS = ["vnc", "spice", "ssh", "exec", "rdp"] as const;
export type ConsoleKind = (typeof CONSOLE_KINDS)[number];

export function parseConsoleKinds(value: string | null | undefined): ConsoleKind[] {
  return (value ?? "")
    .split(",")
    .map((v) => v.trim())
    .filter((v): v is ConsoleKind => (CONSOLE_KINDS as readonly string[]).includes(v));
}
