// An admin changes the portal settings that live in the database (self-signup); audited.
import { recordAudit } from "@/server/audit/record";
import type { Ctx } from "@/server/auth/ctx";
import { getSetting, setSetting } from "./settings";

export async function updateSettings(ctx: Ctx, input: { selfSignup?: boolean }): Promise<{ selfSignup: boolean }> {
  if (input.selfSignup !== undefined) await setSetting("selfSignup", input.selfSignup);
  await recordAudit({ ...ctx, action: "settings.update", target: { type: "settings" }, details: input });
  return { selfSignup: await getSetting("selfSignup") };
}
