// Polls a stats endpoint every sampling period (the answer says how often); stops when the component unmounts.
import { useEffect } from "react";
import { useLatestRequest } from "@/hooks/use-latest-request";

export function useStats<T extends { periodSeconds: number }>(url: string, active = true) {
  const request = useLatestRequest<T>(url);
  const period = request.data?.periodSeconds ?? 15;
  const { reload } = request;
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => void reload(), period * 1000);
    return () => clearInterval(timer);
  }, [reload, period, active]);
  return request;
}
