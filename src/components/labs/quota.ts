// The hours a lab card shows, from the signed-in person's quota (src/hooks/use-my-quota.ts loads it).
import type { MyQuota } from "@/components/requests/quota-format";
import type { HoursView } from "./hours-line";

/**
 * The hours that apply to a machine of `classId` (null: a personal machine): the class's budget, with what is
 * left overall (the smaller of class and plan), when the quota lists the class; otherwise the plan's hours.
 */
export function hoursFromQuota(quota: MyQuota | null, classId: string | null): HoursView | null {
  if (!quota?.hours) return null;
  const cls = classId ? (quota.classes ?? []).find((c) => c.classId === classId) : undefined;
  if (cls)
    return {
      usedSeconds: cls.usedSeconds,
      leftSeconds: cls.leftSecondsOverall ?? cls.leftSeconds,
      totalSeconds: cls.totalSeconds,
    };
  return {
    usedSeconds: quota.hours.usedSeconds,
    leftSeconds: quota.hours.leftSeconds,
    totalSeconds: quota.hours.totalSeconds,
  };
}
