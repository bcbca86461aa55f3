// Server components and pages ask here who is signed in. Pages check access themselves (no middleware).
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import type { Role } from "@/generated/sqlite/enums";
import { type Actor, actorFromSession } from "./actor";

export async function currentActor(): Promise<Actor | null> {
  const h = await headers();
  return actorFromSession(h.get("cookie"));
}

/** The signed-in actor with one of `roles`; otherwise to the sign-in page or back to the dashboard. */
export async function requirePageActor(roles?: readonly Role[], from = "/dashboard"): Promise<Actor> {
  const actor = await currentActor();
  if (!actor) redirect(`/login?next=${encodeURIComponent(from)}`);
  if (roles && !roles.includes(actor.role)) redirect("/dashboard?denied=1");
  return actor;
}
