import { classesRoutes } from "@/server/classes/routes";
import { withAuth } from "@/server/http/route";
import { getSetting } from "@/server/settings/settings";
import { updateSettings } from "@/server/settings/update-settings";

export const GET = withAuth(async () => ({ selfSignup: await getSetting("selfSignup") }), classesRoutes.settings);
export const PATCH = withAuth(({ ctx, body }) => updateSettings(ctx, body), classesRoutes.updateSettings);
