import { recordAudit } from "@/server/audit/record";
import { resetHostKey } from "@/server/console/ssh-terminal";
import { withAuth } from "@/server/http/route";
import { loadForActor } from "@/server/machines/machine-core";
import { machinesRoutes } from "@/server/machines/routes";

export const DELETE = withAuth(async ({ actor, params, ip }) => {
  const m = await loadForActor(actor, params.id);
  await resetHostKey(m.id);
  await recordAudit({
    actor,
    action: "machine.host_key_reset",
    target: { type: "machine", id: m.id, name: m.name },
    ip,
  });
}, machinesRoutes.resetHostKey);
