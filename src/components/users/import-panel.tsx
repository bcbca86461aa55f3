"use client";

import { useEffect, useRef, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { TextAreaField } from "@/components/ui/field";
import { TableHead } from "@/components/ui/table";
import { api } from "@/lib/api";
import { csvCell } from "@/lib/csv";
import type { ImportResult } from "./types";

const STATUS_LABEL = { created: "Created", exists: "Already exists", invalid: "Not imported" } as const;
const STATUS_CLASS = {
  created: "bg-green-100 text-green-800",
  exists: "bg-slate-200 text-slate-700",
  invalid: "bg-red-100 text-red-800",
} as const;
const MAX_BYTES = 1024 * 1024;

export function resultsCsv(result: ImportResult): string {
  const lines = [["line", "email", "status", "message", "temporary_password"].join(",")];
  for (const r of result.rows)
    lines.push([String(r.line), r.email, r.status, r.message ?? "", r.temporaryPassword ?? ""].map(csvCell).join(","));
  return `${lines.join("\r\n")}\r\n`;
}

function download(result: ImportResult) {
  const blob = new Blob([resultsCsv(result)], { type: "text/csv;charset=utf-8" });
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = `import-results-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, "-")}.csv`;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function ImportPanel({ onImported, focusKey }: { onImported: () => void; focusKey: number }) {
  const [text, setText] = useState("");
  const [fileName, setFileName] = useState<string | null>(null);
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const [result, setResult] = useState<ImportResult | null>(null);
  const [onlyProblems, setOnlyProblems] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const summaryRef = useRef<HTMLDivElement>(null);

  const textRef = useRef<HTMLTextAreaElement>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: focus again each time the panel is (re)opened
  useEffect(() => {
    textRef.current?.focus();
  }, [focusKey]);

  async function onFile(event: React.ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    setFieldError(null);
    if (!file) return;
    if (file.size > MAX_BYTES) {
      setFieldError("This file is larger than 1 MB. Split it into smaller files (at most 2000 rows each).");
      return;
    }
    setText(await file.text());
    setFileName(file.name);
  }

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    setFieldError(null);
    if (!text.trim()) {
      setFieldError("Choose a CSV file or paste the rows first.");
      return;
    }
    setPending(true);
    const res = await api<ImportResult>("/api/admin/users/import", {
      method: "POST",
      headers: { "content-type": "text/csv" },
      body: text,
    });
    setPending(false);
    if (!res.ok) {
      if (res.error.fields?.csv) setFieldError(res.error.message);
      else setError(res.error.message);
      return;
    }
    setResult(res.data);
    setOnlyProblems(false);
    onImported();
    requestAnimationFrame(() => summaryRef.current?.focus());
  }

  function clear() {
    setText("");
    setFileName(null);
    setResult(null);
    setError(null);
    setFieldError(null);
    if (fileInput.current) fileInput.current.value = "";
  }

  const rows = result ? (onlyProblems ? result.rows.filter((r) => r.status !== "created") : result.rows) : [];

  return (
    <div className="space-y-4">
      <p className="text-sm text-slate-600">
        One person per line: <code className="rounded bg-slate-100 px-1">email,name</code>, optionally a third column{" "}
        <code className="rounded bg-slate-100 px-1">role</code> (STUDENT or TEACHER; STUDENT if empty). A header row is
        optional. At most 2000 rows per import. Each new account gets a temporary password, shown once below.
      </p>
      <form onSubmit={onSubmit} noValidate className="space-y-3">
        <TextAreaField
          ref={textRef}
          id="import-text"
          label="CSV rows"
          hint="Paste from a spreadsheet or a text file, or load a file below."
          rows={6}
          spellCheck={false}
          placeholder={"email,name\nada@school.edu,Ada Lovelace\nalan@school.edu,Alan Turing"}
          value={text}
          onChange={(e) => setText(e.target.value)}
          error={fieldError ?? undefined}
          data-testid="import-text"
        />
        <div>
          <label htmlFor="import-file" className="block text-sm font-medium text-slate-800">
            …or load a file
          </label>
          <input
            ref={fileInput}
            id="import-file"
            type="file"
            accept=".csv,text/csv,text/plain"
            onChange={(e) => void onFile(e)}
            className="mt-1 block w-full text-sm file:mr-3 file:rounded-md file:border file:border-slate-300 file:bg-white file:px-3 file:py-1.5 file:text-sm file:font-medium hover:file:bg-slate-50"
            data-testid="import-file"
          />
          {fileName && (
            <p className="mt-1 text-xs text-slate-500">
              Loaded {fileName} into the box above — check or edit the rows, then import.
            </p>
          )}
        </div>
        {error && <Alert tone="error">{error}</Alert>}
        <div className="flex flex-wrap gap-2">
          <Button
            type="submit"
            pending={pending}
            pendingLabel="Importing… (this can take a minute for large files)"
            data-testid="import-submit"
          >
            Import
          </Button>
          {(text || result) && (
            <Button variant="secondary" onClick={clear} disabled={pending}>
              Clear
            </Button>
          )}
        </div>
      </form>

      {result && (
        <div className="space-y-3" data-testid="import-results">
          <div
            ref={summaryRef}
            tabIndex={-1}
            role="status"
            className="rounded-md border border-slate-200 bg-slate-50 px-3 py-2 text-sm"
            data-testid="import-summary"
          >
            <strong>{result.created}</strong> created · <strong>{result.skipped}</strong> already existed ·{" "}
            <strong>{result.failed}</strong> not imported
          </div>
          {result.created > 0 && (
            <Alert tone="warning">
              The temporary passwords are shown only now. Download the results before leaving this page.
            </Alert>
          )}
          <div className="flex flex-wrap items-center gap-3">
            <Button variant="primary" onClick={() => download(result)} data-testid="import-download">
              Download results as CSV
            </Button>
            <label className="flex items-center gap-2 text-sm">
              <input
                type="checkbox"
                checked={onlyProblems}
                onChange={(e) => setOnlyProblems(e.target.checked)}
                className="h-4 w-4"
              />
              Show only rows that were not created
            </label>
          </div>
          <div className="max-h-[32rem] overflow-auto rounded-lg border border-slate-200">
            <table className="w-full min-w-[40rem] text-left text-sm">
              <caption className="sr-only">Import results, one row per line of the file</caption>
              <TableHead
                className="sticky top-0 bg-slate-50 text-xs uppercase tracking-wide text-slate-600"
                columns={["Line", "Email", "Status", "Message", "Temporary password"]}
              />
              <tbody className="divide-y divide-slate-100">
                {rows.map((r) => (
                  <tr key={r.line} data-testid={`import-row-${r.line}`}>
                    <td className="px-3 py-1.5 tabular-nums">{r.line}</td>
                    <td className="px-3 py-1.5">{r.email || <span className="text-slate-400">(empty)</span>}</td>
                    <td className="px-3 py-1.5">
                      <span
                        className={`inline-block whitespace-nowrap rounded px-2 py-0.5 text-xs font-medium ${STATUS_CLASS[r.status]}`}
                      >
                        {STATUS_LABEL[r.status]}
                      </span>
                    </td>
                    <td className="px-3 py-1.5 text-slate-700">{r.message}</td>
                    <td className="px-3 py-1.5 font-mono">{r.temporaryPassword}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
    </div>
  );
}
