// What a machine knows only while it runs (its console ports and sealed passwords, its addresses): written when it
// starts, cleared when it stops or is re-created. One definition for the actions, the reconciler and publish.
import type { Machine } from "@/generated/sqlite/client";
import { seal } from "@/server/crypto/seal";
import type { DisplayInfo } from "@/server/providers/types";

/** Fields of a machine that has just started (or rebooted) with this display. */
export function startedFields(display: DisplayInfo | null): Partial<Machine> {
  return {
    lastStartedAt: new Date(),
    vncPort: display?.vncPort ?? null,
    spicePort: display?.spicePort ?? null,
    displaySecret: display ? seal(display.password) : null,
    spiceSecret: null,
    spiceSecretUntil: null,
    ipAddresses: null,
  };
}

/** Fields of a machine that has just stopped (or been re-created, stopped). */
export function stoppedFields(): Partial<Machine> {
  return {
    lastStoppedAt: new Date(),
    vncPort: null,
    spicePort: null,
    displaySecret: null,
    spiceSecret: null,
    spiceSecretUntil: null,
    ipAddresses: null,
  };
}
