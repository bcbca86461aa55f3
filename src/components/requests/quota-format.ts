// Shapes the quota pages receive (kept in step with src/server/quotas/routes.ts by type) and how they are shown.
import type { TMyQuota, TPlan, TQuotaList, TQuotaUserRow, TRequestRow } from "@/server/quotas/routes";

export type MyQuota = TMyQuota;
export type Plan = TPlan;
export type QuotaList = TQuotaList;
export type QuotaUserRow = TQuotaUserRow;
export type RequestRow = TRequestRow;
export type RequestList = { items: RequestRow[]; total: number; pending: number; page: number; pageSize: number };

export const LIMIT_LABELS = {
  maxMachines: "Machines",
  maxRunning: "Running machines",
  maxVcpus: "vCPUs",
  maxMemoryMb: "Memory (MB)",
  maxDiskGb: "Disk (GB)",
  hoursPerMonth: "Hours per month",
} as const;
export type LimitKey = keyof typeof LIMIT_LABELS;
export const LIMIT_KEYS = Object.keys(LIMIT_LABELS) as LimitKey[];

export const KIND_LABELS: Record<RequestRow["kind"], string> = {
  HOURS: "Lab hours",
  MACHINES: "More machines",
  RESOURCES: "More resources",
};
export const RESOURCE_LABELS: Record<string, string> = {
  maxRunning: "Running machines",
  maxVcpus: "vCPUs",
  maxMemoryMb: "Memory (MB)",
  maxDiskGb: "Disk (GB)",
};
export const STATUS_TONES: Record<RequestRow["status"], string> = {
  PENDING: "bg-amber-100 text-amber-900",
  APPROVED: "bg-green-100 text-green-800",
  DENIED: "bg-red-100 text-red-800",
  CANCELLED: "bg-slate-100 text-slate-600",
};
export const STATUS_LABELS: Record<RequestRow["status"], string> = {
  PENDING: "Pending",
  APPROVED: "Approved",
  DENIED: "Denied",
  CANCELLED: "Withdrawn",
};

export function formatMb(mb: number): string {
  if (mb < 1024) return `${mb} MB`;
  const gb = mb / 1024;
  return `${Number.isInteger(gb) ? gb : gb.toFixed(1)} GB`;
}

/** "3 h 20 min", "45 min", "0 min". */
export function formatSeconds(seconds: number): string {
  const total = Math.max(0, Math.round(seconds / 60));
  const h = Math.floor(total / 60);
  const m = total % 60;
  if (h === 0) return `${m} min`;
  return m ? `${h} h ${m} min` : `${h} h`;
}

export function formatDate(iso: string | null): string {
  if (!iso) return "—";
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/** "1 h 30 min of 10 h" or "12 h (no limit)". */
export function hoursText(used: number, total: number | null): string {
  return total === null ? `${formatSeconds(used)} (no limit)` : `${formatSeconds(used)} of ${formatSeconds(total)}`;
}

/** A used/limit value as text: "2 / 5", "2 / ∞". */
export function ofLimit(used: number, limit: number | null, fmt: (n: number) => string = String): string {
  return `${fmt(used)} / ${limit === null ? "∞" : fmt(limit)}`;
}
