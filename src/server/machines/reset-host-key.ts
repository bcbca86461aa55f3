// Forget the SSH host key the portal pinned for a machine (after a rebuild changed it); audited.
import { recordAudit } from "@/server/audit/record";
import type { Ctx } from "@/server/auth/ctx";
import { resetHostKey } from "@/server/console/ssh-terminal";
import { loadForActor } from "./machine-core";

export async function resetMachineHostKey(ctx: Ctx, id: string): Promise<void> {
  const m = await loadForActor(ctx.actor, id);
  await resetHostKey(m.id);
  await recordAudit({ ...ctx, action: "machine.host_key_reset", target: { type: "machine", id: m.id, name: m.name } });
}
