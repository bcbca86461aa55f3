import type { Metadata } from "next";
import { HostsClient } from "@/components/hosts/hosts-client";
import { requirePageActor } from "@/server/auth/page-actor";

export const metadata: Metadata = { title: "Hosts" };

export default async function HostsPage() {
  await requirePageActor(["ADMIN"], "/admin/hosts");
  return <HostsClient />;
}
