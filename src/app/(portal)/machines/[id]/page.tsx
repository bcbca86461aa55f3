import type { Metadata } from "next";
import { requirePageActor } from "@/server/auth/page-actor";
import { MachineDetails } from "../machine-details";

export const metadata: Metadata = { title: "Machine" };

export default async function MachinePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const actor = await requirePageActor(undefined, `/machines/${encodeURIComponent(id)}`);
  return <MachineDetails id={id} role={actor.role} />;
}
