import type { Metadata } from "next";
import { requirePageActor } from "@/server/auth/page-actor";
import { getMe } from "@/server/users/get-me";
import { ProfileClient } from "./profile-client";

export const metadata: Metadata = { title: "Profile" };

export default async function ProfilePage() {
  const actor = await requirePageActor(undefined, "/profile");
  const me = await getMe(actor);
  return <ProfileClient initial={me} />;
}
