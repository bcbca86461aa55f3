import type { Metadata } from "next";
import { ClassDetail } from "@/components/classes/class-detail";
import { requirePageActor } from "@/server/auth/page-actor";

export const metadata: Metadata = { title: "Class" };

export default async function ClassPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const actor = await requirePageActor(undefined, `/classes/${encodeURIComponent(id)}`);
  return <ClassDetail id={id} role={actor.role} userId={actor.id} />;
}
