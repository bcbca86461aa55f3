import type { Metadata } from "next";
import { type AuditFilterValues, AuditView } from "@/components/audit/audit-view";
import { listAuditEvents } from "@/server/audit/list-audit-events";
import { type TAuditPage, ZAuditListQuery } from "@/server/audit/routes";
import { requirePageActor } from "@/server/auth/page-actor";
import { zodFields } from "@/server/http/route";

export const metadata: Metadata = { title: "Audit log" };
export const dynamic = "force-dynamic";

type Search = Record<string, string | string[] | undefined>;

export default async function AuditPage({ searchParams }: { searchParams: Promise<Search> }) {
  await requirePageActor(["ADMIN"], "/admin/audit");
  const raw = await searchParams;
  const values: AuditFilterValues = { actor: "", action: "", target: "", from: "", to: "" };
  const input: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    const text = (Array.isArray(value) ? value[0] : value)?.trim();
    if (!text) continue;
    input[key] = text;
    if (key in values) values[key as keyof AuditFilterValues] = text;
  }
  const parsed = ZAuditListQuery.safeParse(input);
  let data: TAuditPage | null = null;
  let errors: Record<string, string> = {};
  if (parsed.success) data = await listAuditEvents(parsed.data);
  else errors = zodFields(parsed.error);

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">Audit log</h1>
        <p className="mt-1 text-sm text-slate-600">Every sign-in and every change, newest first. Times are in UTC.</p>
      </div>
      <AuditView values={values} data={data} errors={errors} />
    </div>
  );
}
