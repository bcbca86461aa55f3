import type { Metadata } from "next";
import { ConsoleClient } from "@/components/console/console-client";
import { isConsoleKind } from "@/components/console/console-shared";
import { requirePageActor } from "@/server/auth/page-actor";

export const metadata: Metadata = { title: "Console" };

type Search = { kind?: string | string[]; view?: string | string[] };

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

export default async function ConsolePage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Search>;
}) {
  const { id } = await params;
  const search = await searchParams;
  const kindParam = first(search.kind);
  const kind = isConsoleKind(kindParam) ? kindParam : null;
  const viewOnly = first(search.view) === "1";
  const back = `/machines/${encodeURIComponent(id)}/console${kind ? `?kind=${kind}${viewOnly ? "&view=1" : ""}` : ""}`;
  await requirePageActor(["ADMIN", "TEACHER", "STUDENT"], back);
  // nothing secret is loaded here: the page asks for a ticket (bound to the signed-in person) when it connects
  return <ConsoleClient id={id} requested={kind} viewOnly={viewOnly} />;
}
