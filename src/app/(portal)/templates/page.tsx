import type { Metadata } from "next";
import { env } from "@/env";
import { requirePageActor } from "@/server/auth/page-actor";
import { TemplatesClient } from "./templates-client";

export const metadata: Metadata = { title: "Templates" };

export default async function TemplatesPage() {
  const actor = await requirePageActor(["ADMIN", "TEACHER"], "/templates");
  return <TemplatesClient role={actor.role} uploadMaxMb={env().UPLOAD_MAX_MB} />;
}
