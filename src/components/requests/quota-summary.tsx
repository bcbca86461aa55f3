"use client";

// "My quota": limits against usage and lab hours left (overall and per class). Reloads on quota and machine
// events (src/hooks/use-my-quota.ts), so it stays right while machines start and stop or an admin grants hours.
import { Alert } from "@/components/ui/alert";
import { formatMb, formatSeconds, hoursText, type MyQuota, ofLimit } from "./quota-format";
import { UsageBar } from "./usage-bar";

export function QuotaSummary({ quota, error }: { quota: MyQuota | null; error: string | null }) {
  if (error) return <Alert tone="error">{error}</Alert>;
  if (!quota) return <p className="text-sm text-slate-600">Loading your quota…</p>;
  const { limits, usage } = quota;
  const cells = [
    {
      label: "Machines",
      used: usage.machines,
      limit: limits.maxMachines,
      text: ofLimit(usage.machines, limits.maxMachines),
    },
    {
      label: "Running",
      used: usage.running,
      limit: limits.maxRunning,
      text: ofLimit(usage.running, limits.maxRunning),
    },
    {
      label: "vCPUs (running)",
      used: usage.vcpus,
      limit: limits.maxVcpus,
      text: ofLimit(usage.vcpus, limits.maxVcpus),
    },
    {
      label: "Memory (running)",
      used: usage.memoryMb,
      limit: limits.maxMemoryMb,
      text: ofLimit(usage.memoryMb, limits.maxMemoryMb, formatMb),
    },
    {
      label: "Disk",
      used: usage.diskGb,
      limit: limits.maxDiskGb,
      text: ofLimit(usage.diskGb, limits.maxDiskGb, (n) => `${n} GB`),
    },
  ];
  return (
    <div className="space-y-4" data-testid="my-quota">
      <p className="text-sm text-slate-600">
        Plan: <strong className="text-slate-900">{limits.planName ?? "none (no limits)"}</strong> · month {quota.month}
      </p>
      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-5">
        {cells.map((c) => (
          <div key={c.label} className="rounded-lg border border-slate-200 bg-white p-3">
            <dt className="text-xs uppercase tracking-wide text-slate-500">{c.label}</dt>
            <dd className="mt-1 text-sm">
              <UsageBar used={c.used} limit={c.limit} label={c.label} text={c.text} />
            </dd>
          </div>
        ))}
      </dl>
      <div className="rounded-lg border border-slate-200 bg-white p-3 text-sm" data-testid="my-hours">
        <h3 className="font-medium text-slate-900">Lab hours this month</h3>
        <ul className="mt-2 space-y-2">
          <li className="flex flex-wrap items-center justify-between gap-2">
            <span>All machines (plan)</span>
            <span className="w-56">
              <UsageBar
                used={quota.hours.usedSeconds}
                limit={quota.hours.totalSeconds}
                label="Hours used, overall"
                text={`${hoursText(quota.hours.usedSeconds, quota.hours.totalSeconds)}${quota.hours.leftSeconds !== null ? ` · ${formatSeconds(quota.hours.leftSeconds)} left` : ""}`}
              />
            </span>
          </li>
          {quota.classes.map((c) => (
            <li
              key={c.classId}
              className="flex flex-wrap items-center justify-between gap-2"
              data-testid={`class-hours-${c.classId}`}
            >
              <span>{c.className}</span>
              <span className="w-56">
                <UsageBar
                  used={c.usedSeconds}
                  limit={c.totalSeconds}
                  label={`Hours used in ${c.className}`}
                  text={`${hoursText(c.usedSeconds, c.totalSeconds)}${c.leftSecondsOverall !== null ? ` · ${formatSeconds(c.leftSecondsOverall)} left` : ""}`}
                />
              </span>
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
