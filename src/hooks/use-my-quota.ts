// The signed-in person's quota (GET /api/me/quota): "My quota" on the requests page and the hours on My labs.
// Reloaded on quota and machine events (machines start and stop, an admin grants hours) and every minute
// (running time adds up); `reload` for a page that knows it changed something.
import { useEffect } from "react";
import type { MyQuota } from "@/components/requests/quota-format";
import { useCoalesced } from "./use-coalesced";
import { useLatestRequest } from "./use-latest-request";
import { RECONNECTED, useLiveEvents } from "./use-live-events";

export function useMyQuota() {
  const { data: quota, error, reload } = useLatestRequest<MyQuota>("/api/me/quota");
  const reloadSoon = useCoalesced(() => void reload(), 500);
  useLiveEvents(["quota.changed", "quota.request", "machine.updated", "machine.deleted", RECONNECTED], reloadSoon);
  useEffect(() => {
    const timer = setInterval(() => void reload(), 60_000);
    return () => clearInterval(timer);
  }, [reload]);
  return { quota, error, reload };
}
