import type { Metadata } from "next";
import { ProfileClient } from "@/components/profile/profile-client";
import { safeNextPath } from "@/lib/safe-next";
import { requirePageActor } from "@/server/auth/page-actor";
import { getMe } from "@/server/users/get-me";

export const metadata: Metadata = { title: "Profile" };

export default async function ProfilePage({ searchParams }: { searchParams: Promise<{ next?: string | string[] }> }) {
  const actor = await requirePageActor(undefined, "/profile");
  const me = await getMe(actor);
  // where to continue after choosing a password (e.g. the invite link that asked for it); same-origin paths only
  const raw = (await searchParams).next;
  const next = typeof raw === "string" ? safeNextPath(raw) : "/profile";
  return <ProfileClient initial={me} next={next === "/" ? "/profile" : next} />;
}
