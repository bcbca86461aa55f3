import type { Metadata } from "next";
import { RequestsClient } from "@/components/requests/requests-client";
import { requirePageActor } from "@/server/auth/page-actor";

export const metadata: Metadata = { title: "Quota & requests" };

export default async function RequestsPage() {
  const actor = await requirePageActor(undefined, "/requests");
  return <RequestsClient role={actor.role} />;
}
