import type { Metadata } from "next";
import { ClassesClient } from "@/components/classes/classes-client";
import { requirePageActor } from "@/server/auth/page-actor";

export const metadata: Metadata = { title: "Classes" };

export default async function ClassesPage() {
  const actor = await requirePageActor(undefined, "/classes");
  return <ClassesClient role={actor.role} />;
}
