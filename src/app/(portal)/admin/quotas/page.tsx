import type { Metadata } from "next";
import { QuotasClient } from "@/components/quotas/quotas-client";
import { requirePageActor } from "@/server/auth/page-actor";

export const metadata: Metadata = { title: "Quotas" };

export default async function QuotasPage({ searchParams }: { searchParams: Promise<{ tab?: string }> }) {
  await requirePageActor(["ADMIN"], "/admin/quotas");
  const { tab } = await searchParams;
  return <QuotasClient initialTab={tab === "plans" || tab === "requests" ? tab : "usage"} />;
}
