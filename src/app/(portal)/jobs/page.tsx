import type { Metadata } from "next";
import { JobsClient } from "@/components/jobs/jobs-client";
import { requirePageActor } from "@/server/auth/page-actor";
import { isAdmin } from "@/server/auth/permissions";

export const metadata: Metadata = { title: "Jobs" };

export default async function JobsPage() {
  const actor = await requirePageActor(undefined, "/jobs");
  return <JobsClient isAdmin={isAdmin(actor)} />;
}
