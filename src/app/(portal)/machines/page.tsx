import type { Metadata } from "next";
import { requirePageActor } from "@/server/auth/page-actor";
import { MachinesClient } from "./machines-client";

export const metadata: Metadata = { title: "Machines" };

export default async function MachinesPage() {
  const actor = await requirePageActor(undefined, "/machines");
  return <MachinesClient role={actor.role} />;
}
