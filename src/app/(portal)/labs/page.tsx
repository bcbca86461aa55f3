import type { Metadata } from "next";
import { LabsClient } from "@/components/labs/labs-client";
import { requirePageActor } from "@/server/auth/page-actor";

export const metadata: Metadata = { title: "My labs" };

export default async function LabsPage() {
  const actor = await requirePageActor(undefined, "/labs");
  return <LabsClient role={actor.role} />;
}
