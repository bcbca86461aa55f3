"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { TableHead } from "@/components/ui/table";
import { queryString } from "@/lib/api";
import type { TAuditPage } from "@/server/audit/routes";

export type AuditFilterValues = { actor: string; action: string; target: string; from: string; to: string };

const FIELDS: { name: keyof AuditFilterValues; label: string; type: string; placeholder?: string; hint: string }[] = [
  {
    name: "actor",
    label: "Actor",
    type: "search",
    placeholder: "email or user id",
    hint: "Part of an email, or an exact user id",
  },
  {
    name: "action",
    label: "Action",
    type: "search",
    placeholder: "auth.login or auth.*",
    hint: "Exact, or a prefix ending in *",
  },
  {
    name: "target",
    label: "Target",
    type: "search",
    placeholder: "name or id",
    hint: "Part of a name, or an exact id",
  },
  { name: "from", label: "From", type: "date", hint: "First day (UTC), inclusive" },
  { name: "to", label: "To", type: "date", hint: "Last day (UTC), inclusive" },
];

function formatTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

export function AuditView({
  values,
  data,
  errors,
}: {
  values: AuditFilterValues;
  data: TAuditPage | null;
  errors: Record<string, string>;
}) {
  const router = useRouter();
  const filtered = Object.values(values).some(Boolean);
  const formError = errors._ ?? Object.entries(errors).find(([k]) => !(k in values))?.[1];

  function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const next = Object.fromEntries(FIELDS.map((f) => [f.name, String(form.get(f.name) ?? "")]));
    router.push(`/admin/audit${queryString(next)}`);
  }

  const pageCount = data ? Math.max(1, Math.ceil(data.total / data.pageSize)) : 1;
  const pageLink = (page: number) =>
    `/admin/audit${queryString({ ...values, page: page > 1 ? page : undefined, pageSize: data && data.pageSize !== 50 ? data.pageSize : undefined })}`;

  return (
    <div className="space-y-4">
      <form
        key={JSON.stringify(values)}
        onSubmit={submit}
        method="get"
        action="/admin/audit"
        aria-label="Filter audit events"
        className="rounded-lg border border-slate-200 bg-white p-4"
      >
        <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-5">
          {FIELDS.map((f) => (
            <div key={f.name}>
              <label htmlFor={`audit-${f.name}`} className="block text-sm font-medium text-slate-700">
                {f.label}
              </label>
              <input
                id={`audit-${f.name}`}
                name={f.name}
                type={f.type}
                defaultValue={
                  f.type === "date" && values[f.name].length > 10 ? values[f.name].slice(0, 10) : values[f.name]
                }
                placeholder={f.placeholder}
                aria-describedby={`audit-${f.name}-hint`}
                aria-invalid={errors[f.name] ? true : undefined}
                className="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 text-sm"
              />
              <p
                id={`audit-${f.name}-hint`}
                className={`mt-1 text-xs ${errors[f.name] ? "text-red-700" : "text-slate-500"}`}
              >
                {errors[f.name] ?? f.hint}
              </p>
            </div>
          ))}
        </div>
        <div className="mt-3 flex flex-wrap items-center gap-3">
          <button
            type="submit"
            className="rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700"
          >
            Apply filters
          </button>
          {filtered && (
            <Link href="/admin/audit" className="text-sm text-brand-600 hover:underline">
              Clear filters
            </Link>
          )}
          <a
            href={`/api/admin/audit/export${queryString(values)}`}
            download
            className="ml-auto rounded-md border border-slate-300 px-4 py-2 text-sm font-medium text-slate-700 hover:bg-slate-50"
            data-testid="audit-export"
          >
            Export CSV
          </a>
        </div>
      </form>

      {formError && (
        <p role="alert" className="rounded-md bg-red-50 px-4 py-3 text-sm text-red-800">
          {formError}
        </p>
      )}
      {!data && !formError && (
        <p role="alert" className="rounded-md bg-red-50 px-4 py-3 text-sm text-red-800">
          Some filters are not valid; fix the highlighted fields.
        </p>
      )}

      {data && data.items.length === 0 && (
        <div
          className="rounded-lg border border-dashed border-slate-300 bg-white p-8 text-center"
          data-testid="audit-empty"
        >
          {data.total > 0 ? (
            <p className="font-medium text-slate-800">
              This page is past the end.{" "}
              <Link href={pageLink(1)} className="text-brand-600 hover:underline">
                Go to the first page
              </Link>
              .
            </p>
          ) : (
            <>
              <p className="font-medium text-slate-800">
                {filtered ? "No events match these filters" : "No audit events yet"}
              </p>
              <p className="mt-2 text-sm text-slate-600">
                {filtered
                  ? "Try a wider time range or fewer filters."
                  : "Sign-ins and changes made in the portal will appear here."}
              </p>
            </>
          )}
        </div>
      )}

      {data && data.items.length > 0 && (
        <>
          <p className="text-sm text-slate-600" aria-live="polite">
            {data.total.toLocaleString("en")} {data.total === 1 ? "event" : "events"} · page {data.page} of {pageCount}
          </p>
          <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
            <table data-testid="audit-table" className="min-w-[48rem] w-full text-left text-sm">
              <caption className="sr-only">Audit events, newest first</caption>
              <TableHead
                className="border-b border-slate-200 bg-slate-50 text-xs uppercase text-slate-600"
                cellClass="px-3 py-2 font-medium"
                columns={["Time (UTC)", "Actor", "Action", "Target", "IP", "Details"]}
              />
              <tbody className="divide-y divide-slate-100">
                {data.items.map((e) => (
                  <tr key={e.id} data-testid="audit-row" className="align-top">
                    <td className="whitespace-nowrap px-3 py-2 font-mono text-xs">
                      <time dateTime={e.at}>{formatTime(e.at)}</time>
                    </td>
                    <td className="px-3 py-2">{e.actorEmail ?? <span className="text-slate-500">system</span>}</td>
                    <td className="whitespace-nowrap px-3 py-2 font-mono text-xs">{e.action}</td>
                    <td className="px-3 py-2">
                      {e.targetName ?? e.targetId ?? <span className="text-slate-500">—</span>}
                      {e.targetType && <span className="ml-1 text-xs text-slate-500">({e.targetType})</span>}
                    </td>
                    <td className="whitespace-nowrap px-3 py-2 font-mono text-xs">{e.ip ?? "—"}</td>
                    <td className="px-3 py-2">
                      {e.details === null || e.details === undefined ? (
                        <span className="text-slate-500">—</span>
                      ) : (
                        <details>
                          <summary className="cursor-pointer text-brand-600">Show</summary>
                          <pre className="mt-1 max-w-md overflow-x-auto whitespace-pre-wrap break-all rounded bg-slate-50 p-2 text-xs">
                            {JSON.stringify(e.details, null, 2)}
                          </pre>
                        </details>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {pageCount > 1 && (
            <nav aria-label="Pages" className="flex items-center justify-between text-sm">
              {data.page > 1 ? (
                <Link
                  href={pageLink(data.page - 1)}
                  className="rounded-md border border-slate-300 px-3 py-1.5 hover:bg-slate-50"
                  rel="prev"
                >
                  ← Newer
                </Link>
              ) : (
                <span />
              )}
              <span className="text-slate-600">
                Page {data.page} of {pageCount}
              </span>
              {data.page < pageCount ? (
                <Link
                  href={pageLink(data.page + 1)}
                  className="rounded-md border border-slate-300 px-3 py-1.5 hover:bg-slate-50"
                  rel="next"
                >
                  Older →
                </Link>
              ) : (
                <span />
              )}
            </nav>
          )}
        </>
      )}
    </div>
  );
}
