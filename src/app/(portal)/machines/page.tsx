import type { Metadata } from "next";
import { MachinesClient } from "@/components/machines/machines-client";
import { requirePageActor } from "@/server/auth/page-actor";

export const metadata: Metadata = { title: "Machines" };

export default async function MachinesPage() {
  const actor = await requirePageActor(undefined, "/machines");
  return <MachinesClient role={actor.role} />;
}
