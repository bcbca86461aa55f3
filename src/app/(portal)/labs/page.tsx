import type { Metadata } from "next";
import { requirePageActor } from "@/server/auth/page-actor";
import { LabsClient } from "./labs-client";

export const metadata: Metadata = { title: "My labs" };

export default async function LabsPage() {
  const actor = await requirePageActor(undefined, "/labs");
  return <LabsClient role={actor.role} />;
}
