import type { Metadata } from "next";
import { JobDetailClient } from "@/components/jobs/jobs-client";
import { requirePageActor } from "@/server/auth/page-actor";

export const metadata: Metadata = { title: "Job" };

export default async function JobPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  await requirePageActor(undefined, `/jobs/${encodeURIComponent(id)}`);
  return <JobDetailClient id={id} />;
}
