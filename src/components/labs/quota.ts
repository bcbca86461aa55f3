"use client";

// The signed-in person's quota (GET /api/me/quota): on My labs only the hours matter. Reloaded every minute
// (running time adds up) and when asked (a machine started or stopped). A failed load shows no hours.
import { useCallback, useEffect, useState } from "react";
import { api } from "@/lib/api";
import type { TMyQuota } from "@/server/quotas/routes";
import type { HoursView } from "./hours-line";

export type MyQuota = TMyQuota;

export function useMyQuota() {
  const [quota, setQuota] = useState<MyQuota | null>(null);
  const reload = useCallback(() => {
    void (async () => {
      const res = await api<MyQuota>("/api/me/quota");
      if (res.ok && res.data && typeof res.data === "object") setQuota(res.data);
    })();
  }, []);
  useEffect(() => {
    reload();
    const timer = setInterval(reload, 60_000);
    return () => clearInterval(timer);
  }, [reload]);
  return { quota, reload };
}

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
