// Shapes the templates page receives from the API (kept in step with src/server/templates/routes.ts by type).
import type { TTemplateRow } from "@/server/templates/routes";

export type TemplateRow = TTemplateRow;
export type TemplateKind = TTemplateRow["kind"];
export type Role = "ADMIN" | "TEACHER" | "STUDENT";

/** Consoles each kind of machine can offer (the API refuses the others). */
export const CONSOLES_FOR: Record<TemplateKind, readonly string[]> = {
  LIBVIRT: ["vnc", "spice", "ssh", "rdp"],
  DOCKER: ["exec", "ssh", "rdp"],
};
export const DEFAULT_CONSOLE: Record<TemplateKind, string> = { LIBVIRT: "vnc", DOCKER: "exec" };
export const CONSOLE_LABEL: Record<string, string> = {
  vnc: "VNC",
  spice: "SPICE",
  ssh: "SSH",
  rdp: "RDP",
  exec: "Shell (exec)",
};

export const STATUS_CLASS: Record<TTemplateRow["status"], string> = {
  DRAFT: "bg-slate-100 text-slate-700 ring-slate-200",
  UPLOADING: "bg-brand-50 text-brand-700 ring-brand-100",
  INSTALLING: "bg-brand-50 text-brand-700 ring-brand-100",
  READY: "bg-green-100 text-green-800 ring-green-200",
  FAILED: "bg-red-100 text-red-800 ring-red-200",
};
export const STATUS_LABEL: Record<TTemplateRow["status"], string> = {
  DRAFT: "Draft",
  UPLOADING: "Uploading",
  INSTALLING: "Installing",
  READY: "Ready",
  FAILED: "Failed",
};

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value >= 100 ? value.toFixed(0) : value.toFixed(1)} ${units[unit]}`;
}

export function formatMemory(mb: number): string {
  if (mb < 1024) return `${mb} MiB`;
  const gib = mb / 1024;
  return `${Number.isInteger(gib) ? gib : gib.toFixed(1)} GiB`;
}

/** Splits a command line into arguments: spaces separate, '…' and "…" group, backslash escapes. */
export function splitCommand(line: string): string[] {
  const args: string[] = [];
  let current = "";
  let quote: '"' | "'" | null = null;
  let started = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (quote) {
      if (c === quote) quote = null;
      else if (c === "\\" && quote === '"' && i + 1 < line.length) current += line[++i];
      else current += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      started = true;
    } else if (c === "\\" && i + 1 < line.length) {
      current += line[++i];
      started = true;
    } else if (/\s/.test(c)) {
      if (started) args.push(current);
      current = "";
      started = false;
    } else {
      current += c;
      started = true;
    }
  }
  if (started) args.push(current);
  return args;
}

/** The opposite of splitCommand, for showing a stored command. */
export function joinCommand(args: readonly string[]): string {
  return args.map((a) => (a === "" ? "''" : /[\s'"\\]/.test(a) ? `'${a.replace(/'/g, `'"'"'`)}'` : a)).join(" ");
}
