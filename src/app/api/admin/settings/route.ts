import { recordAudit } from "@/server/audit/record";
import { classesRoutes } from "@/server/classes/routes";
import { withAuth } from "@/server/http/route";
import { getSetting, setSetting } from "@/server/settings/settings";

export const GET = withAuth(async () => ({ selfSignup: await getSetting("selfSignup") }), classesRoutes.settings);
export const PATCH = withAuth(async ({ actor, body, ip }) => {
  if (body.selfSignup !== undefined) await setSetting("selfSignup", body.selfSignup);
  await recordAudit({ actor, action: "settings.update", target: { type: "settings" }, ip, details: body });
  return { selfSignup: await getSetting("selfSignup") };
}, classesRoutes.updateSettings);
