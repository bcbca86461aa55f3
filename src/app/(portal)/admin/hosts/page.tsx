import type { Metadata } from "next";
import { requirePageActor } from "@/server/auth/page-actor";
import { HostsClient } from "./hosts-client";

export const metadata: Metadata = { title: "Hosts" };

export default async function HostsPage() {
  await requirePageActor(["ADMIN"], "/admin/hosts");
  return <HostsClient />;
}
