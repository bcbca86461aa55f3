import type { Metadata } from "next";
import { TemplatesClient } from "@/components/templates/templates-client";
import { env } from "@/env";
import { requirePageActor } from "@/server/auth/page-actor";

export const metadata: Metadata = { title: "Templates" };

export default async function TemplatesPage() {
  const actor = await requirePageActor(["ADMIN", "TEACHER"], "/templates");
  return <TemplatesClient role={actor.role} uploadMaxMb={env().UPLOAD_MAX_MB} />;
}
