// The metering month of a moment: "2026-11" in UTC (re-exported by hours.ts, which is what other code imports).
export function monthKey(d: Date = new Date()): string {
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
}
