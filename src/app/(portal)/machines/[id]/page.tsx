import type { Metadata } from "next";
import { MachineDetails } from "@/components/machines/machine-details";
import { requirePageActor } from "@/server/auth/page-actor";

export const metadata: Metadata = { title: "Machine" };

export default async function MachinePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const actor = await requirePageActor(undefined, `/machines/${encodeURIComponent(id)}`);
  return <MachineDetails id={id} role={actor.role} />;
}
