import type { Metadata } from "next";
import { requirePageActor } from "@/server/auth/page-actor";
import { SelfSignupCard } from "./self-signup-card";
import { UsersClient } from "./users-client";

export const metadata: Metadata = { title: "Users" };

export default async function UsersPage() {
  const actor = await requirePageActor(["ADMIN"], "/admin/users");
  return (
    <div className="space-y-6">
      <UsersClient currentUserId={actor.id} />
      <SelfSignupCard />
    </div>
  );
}
