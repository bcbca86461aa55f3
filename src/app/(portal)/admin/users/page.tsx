import type { Metadata } from "next";
import { requirePageActor } from "@/server/auth/page-actor";
import { UsersClient } from "./users-client";

export const metadata: Metadata = { title: "Users" };

export default async function UsersPage() {
  const actor = await requirePageActor(["ADMIN"], "/admin/users");
  return <UsersClient currentUserId={actor.id} />;
}
