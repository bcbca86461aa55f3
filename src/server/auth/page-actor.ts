// Server components and pages ask here who is signed in. Pages check access themselves (no middleware).
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import type { Role } from "@/generated/sqlite/enums";
import { type Actor, actorFromSession } from "./actor";

export async function currentActor(): Promise<Actor | null> {
  const h = await headers();
  return actorFromSession(h.get("cookie"));
}

/** Where someone who must choose their own password is sent (the API refuses them everything else). */
export const PASSWORD_CHANGE_PAGE = "/profile";

/**
 * The signed-in actor with one of `roles`; otherwise to the sign-in page or back to the dashboard. Someone who
 * must change their password first is sent to the profile page (`anyPage`: the portal layout, which also wraps
 * that page).
 */
export async function requirePageActor(
  roles?: readonly Role[],
  from = "/dashboard",
  options: { anyPage?: boolean } = {},
): Promise<Actor> {
  const actor = await currentActor();
  if (!actor) redirect(`/login?next=${encodeURIComponent(from)}`);
  if (roles && !roles.includes(actor.role)) redirect("/dashboard?denied=1");
  if (actor.mustChangePassword && !options.anyPage && from !== PASSWORD_CHANGE_PAGE) redirect(PASSWORD_CHANGE_PAGE);
  return actor;
}
