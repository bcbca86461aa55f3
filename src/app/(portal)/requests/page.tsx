import type { Metadata } from "next";
import { requirePageActor } from "@/server/auth/page-actor";
import { RequestsClient } from "./requests-client";

export const metadata: Metadata = { title: "Quota & requests" };

export default async function RequestsPage() {
  const actor = await requirePageActor(undefined, "/requests");
  return <RequestsClient role={actor.role} />;
}
