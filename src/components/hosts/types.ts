// Shapes the hosts page receives from the API (kept in step with src/server/hosts/routes.ts by type).
import type { THostRow } from "@/server/hosts/routes";

export type HostRow = THostRow;
export type HostKind = THostRow["kind"];
export type HostTest = {
  ok: boolean;
  version?: string;
  vcpus?: number;
  memoryMb?: number;
  warnings: string[];
  error?: string;
};

export const STATUS_CLASS: Record<HostRow["status"], string> = {
  ONLINE: "bg-green-100 text-green-800 ring-green-200",
  DEGRADED: "bg-amber-100 text-amber-900 ring-amber-300",
  OFFLINE: "bg-red-100 text-red-800 ring-red-200",
  UNKNOWN: "bg-slate-100 text-slate-700 ring-slate-200",
};

export const STATUS_LABEL: Record<HostRow["status"], string> = {
  ONLINE: "Online",
  DEGRADED: "Degraded",
  OFFLINE: "Offline",
  UNKNOWN: "Unknown",
};

export function formatDate(iso: string | null): string {
  if (!iso) return "never";
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

export function formatMemory(mb: number): string {
  if (mb < 1024) return `${mb} MiB`;
  const gib = mb / 1024;
  return `${Number.isInteger(gib) ? gib : gib.toFixed(1)} GiB`;
}
