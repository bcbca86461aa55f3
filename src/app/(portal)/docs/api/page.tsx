import type { Metadata } from "next";
import { TableHead } from "@/components/ui/table";
import { requirePageActor } from "@/server/auth/page-actor";
import { ERRORS } from "@/server/http/app-error";
import { type JsonSchema, type OpenApiOperation, openApiDocument } from "@/server/http/openapi";

export const metadata: Metadata = { title: "API documentation" };

const METHOD_STYLE: Record<string, string> = {
  get: "bg-sky-100 text-sky-800",
  post: "bg-emerald-100 text-emerald-800",
  put: "bg-amber-100 text-amber-800",
  patch: "bg-violet-100 text-violet-800",
  delete: "bg-red-100 text-red-800",
};

type Row = { name: string; where: string; type: string; required: boolean; notes: string };

/** A short, readable type for a JSON Schema: "string", "integer", "one of: a, b", "array of string" … */
function typeOf(schema: JsonSchema | undefined): string {
  if (!schema || Object.keys(schema).length === 0) return "any";
  if (Array.isArray(schema.enum)) return `one of: ${schema.enum.map((v) => JSON.stringify(v)).join(", ")}`;
  if ("const" in schema) return JSON.stringify(schema.const);
  const variants = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (Array.isArray(variants)) {
    const types = variants.map(typeOf);
    const nonNull = types.filter((t) => t !== "null");
    return `${[...new Set(nonNull)].join(" | ")}${nonNull.length < types.length ? " or null" : ""}`;
  }
  if (schema.type === "array") return `array of ${typeOf(schema.items as JsonSchema | undefined)}`;
  if (Array.isArray(schema.type)) return schema.type.join(" | ");
  if (typeof schema.format === "string") return `${String(schema.type ?? "string")} (${schema.format})`;
  if (typeof schema.$ref === "string") return schema.$ref.split("/").pop() ?? "object";
  return String(schema.type ?? "any");
}

function constraintsOf(schema: JsonSchema | undefined): string {
  if (!schema) return "";
  const parts: string[] = [];
  const big = (n: unknown) => typeof n === "number" && Math.abs(n) < Number.MAX_SAFE_INTEGER;
  if (big(schema.minLength) && schema.minLength !== 0) parts.push(`at least ${schema.minLength} characters`);
  if (big(schema.maxLength)) parts.push(`at most ${schema.maxLength} characters`);
  if (big(schema.minimum)) parts.push(`≥ ${schema.minimum}`);
  if (big(schema.maximum)) parts.push(`≤ ${schema.maximum}`);
  if (big(schema.minItems) && schema.minItems !== 0) parts.push(`at least ${schema.minItems} items`);
  if (big(schema.maxItems)) parts.push(`at most ${schema.maxItems} items`);
  if (schema.default !== undefined) parts.push(`default ${JSON.stringify(schema.default)}`);
  return parts.join(", ");
}

function notesOf(description: unknown, schema: JsonSchema | undefined): string {
  return [typeof description === "string" ? description : "", constraintsOf(schema)].filter(Boolean).join(" — ");
}

function rowsOf(op: OpenApiOperation): { params: Row[]; body: Row[]; bodyNote?: string } {
  const params: Row[] = (op.parameters ?? []).map((p) => ({
    name: p.name,
    where: p.in,
    type: typeOf(p.schema),
    required: p.required,
    notes: notesOf(p.description, p.schema),
  }));
  const body: Row[] = [];
  let bodyNote: string | undefined;
  for (const [mediaType, { schema }] of Object.entries(op.requestBody?.content ?? {})) {
    const props = schema.properties as Record<string, JsonSchema> | undefined;
    if (mediaType === "application/json" && props) {
      const required = new Set((schema.required as string[] | undefined) ?? []);
      for (const [name, prop] of Object.entries(props))
        body.push({
          name,
          where: "body",
          type: typeOf(prop),
          required: required.has(name),
          notes: notesOf(prop.description, prop),
        });
    } else {
      bodyNote = `${mediaType}${op.requestBody?.description ? ` — ${op.requestBody.description}` : ""}`;
    }
  }
  return { params, body, bodyNote };
}

function whoMayCall(op: OpenApiOperation): string {
  const roles = op["x-roles"];
  if (roles === "public") return "Anyone (no sign-in)";
  const who =
    roles === "any" ? "Any signed-in user" : roles.map((r) => r.charAt(0) + r.slice(1).toLowerCase()).join(", ");
  return `${who} · API token scope "${op["x-required-scope"]}"`;
}

function FieldTable({ rows, caption }: { rows: Row[]; caption: string }) {
  return (
    <div className="overflow-x-auto">
      <table className="w-full min-w-[36rem] text-left text-sm">
        <caption className="mb-1 text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
          {caption}
        </caption>
        <TableHead
          className="border-b border-slate-200 text-xs text-slate-600"
          cellClass="py-1 pr-3 font-medium"
          columns={[
            "Name",
            "In",
            "Type",
            "Required",
            { label: "Description / constraints", className: "py-1 font-medium" },
          ]}
        />
        <tbody className="divide-y divide-slate-100">
          {rows.map((r) => (
            <tr key={`${r.where}:${r.name}`} className="align-top">
              <td className="py-1 pr-3 font-mono text-xs">{r.name}</td>
              <td className="py-1 pr-3 text-xs text-slate-600">{r.where}</td>
              <td className="py-1 pr-3 font-mono text-xs">{r.type}</td>
              <td className="py-1 pr-3 text-xs">{r.required ? "yes" : "no"}</td>
              <td className="py-1 text-xs text-slate-700">{r.notes}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export default async function ApiDocsPage() {
  await requirePageActor(undefined, "/docs/api");
  const doc = openApiDocument();
  const operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({ path, method, op: op! })),
  );
  const tags = [...new Set(operations.map((o) => o.op.tags[0] ?? "Other"))].sort();

  return (
    <div className="space-y-8">
      <div>
        <h1 className="text-2xl font-semibold">API documentation</h1>
        <p className="mt-1 max-w-3xl text-sm text-slate-600">{doc.info.description}</p>
        <p className="mt-2 text-sm">
          Machine-readable:{" "}
          <a href="/api/openapi.json" className="font-mono text-brand-600 hover:underline">
            /api/openapi.json
          </a>{" "}
          (OpenAPI {doc.openapi}, version {doc.info.version}).
        </p>
        <nav aria-label="API sections" className="mt-3 flex flex-wrap gap-2 text-sm">
          {tags.map((tag) => (
            <a
              key={tag}
              href={`#tag-${tag}`}
              className="rounded-md border border-slate-300 bg-white px-3 py-1 hover:bg-slate-50"
            >
              {tag}
            </a>
          ))}
        </nav>
      </div>

      {tags.map((tag) => (
        <section key={tag} aria-labelledby={`tag-${tag}`} className="space-y-4">
          <h2 id={`tag-${tag}`} className="text-lg font-semibold">
            {tag}
          </h2>
          {operations
            .filter((o) => (o.op.tags[0] ?? "Other") === tag)
            .map(({ path, method, op }) => {
              const { params, body, bodyNote } = rowsOf(op);
              const success = Object.entries(op.responses).find(([status]) => Number(status) < 400);
              const successType = success?.[1].content ? Object.keys(success[1].content).join(", ") : "no content";
              return (
                <article
                  key={op.operationId}
                  id={op.operationId}
                  className="space-y-3 rounded-lg border border-slate-200 bg-white p-4"
                  data-testid="api-operation"
                >
                  <header className="flex flex-wrap items-center gap-2">
                    <span
                      className={`rounded px-2 py-0.5 font-mono text-xs font-semibold uppercase ${METHOD_STYLE[method] ?? "bg-slate-100 text-slate-800"}`}
                    >
                      {method}
                    </span>
                    <code className="break-all font-mono text-sm">{path}</code>
                  </header>
                  <p className="text-sm">{op.summary}</p>
                  <dl className="grid gap-x-4 gap-y-1 text-sm sm:grid-cols-[max-content_1fr]">
                    <dt className="text-slate-500">Who may call it</dt>
                    <dd>{whoMayCall(op)}</dd>
                    <dt className="text-slate-500">Success</dt>
                    <dd>
                      {success?.[0] ?? "200"} · {successType}
                    </dd>
                    <dt className="text-slate-500">Errors</dt>
                    <dd className="flex flex-wrap gap-1">
                      {op["x-error-codes"].map((code) => (
                        <span
                          key={code}
                          title={ERRORS[code].message}
                          className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs"
                        >
                          {ERRORS[code].status} {code}
                        </span>
                      ))}
                    </dd>
                  </dl>
                  {params.length > 0 && <FieldTable rows={params} caption="Parameters" />}
                  {body.length > 0 && <FieldTable rows={body} caption="JSON body" />}
                  {bodyNote && (
                    <p className="text-sm">
                      <span className="text-slate-500">Body:</span> {bodyNote}
                    </p>
                  )}
                </article>
              );
            })}
        </section>
      ))}
    </div>
  );
}
