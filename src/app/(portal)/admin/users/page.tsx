import type { Metadata } from "next";
import { SelfSignupCard } from "@/components/users/self-signup-card";
import { UsersClient } from "@/components/users/users-client";
import { requirePageActor } from "@/server/auth/page-actor";

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
