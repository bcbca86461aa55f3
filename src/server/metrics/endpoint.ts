// GET /metrics, answered by server.ts before Next sees the request: scraping needs neither a session nor a
// page, must keep working while Next compiles or is busy, and stays out of the API's contracts (it is not part
// of /api). Access: metricsRefusal (access.ts); refusals are the error table's JSON bodies.
import type { IncomingMessage, ServerResponse } from "node:http";
import { env } from "@/env";
import { AppError } from "@/server/http/app-error";
import { CLIENT_IP_HEADER } from "@/server/http/client-ip";
import { logger } from "@/server/log";
import { metricsRefusal } from "./access";
import { parseAllowList } from "./allow-list";
import { metricsRegistry } from "./registry";

export const METRICS_PATH = "/metrics";

let allow: { text: string; list: ReturnType<typeof parseAllowList>["list"] } | null = null;

function allowList() {
  const text = env().METRICS_ALLOW;
  if (allow?.text !== text) allow = { text, list: parseAllowList(text).list };
  return allow.list;
}

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string>) {
  res.writeHead(status, { "Cache-Control": "no-store", ...headers });
  res.end(body);
}

function refuse(res: ServerResponse, error: AppError) {
  send(res, error.status, JSON.stringify(error.toBody()), { "Content-Type": "application/json", ...error.headers });
}

/** True when the request was /metrics (answered here); false: not ours, hand it to Next. */
export function serveMetrics(req: IncomingMessage, res: ServerResponse): boolean {
  const path = (req.url ?? "").split("?")[0];
  if (path !== METRICS_PATH) return false;
  void (async () => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      return refuse(
        res,
        new AppError("METHOD_NOT_ALLOWED", "Scrape /metrics with GET.", { headers: { Allow: "GET, HEAD" } }),
      );
    }
    const ip = (req.headers[CLIENT_IP_HEADER] as string | undefined) ?? null;
    const refusal = metricsRefusal(
      { ip, authorization: req.headers.authorization },
      { allow: allowList(), token: env().METRICS_TOKEN },
    );
    if (refusal) return refuse(res, refusal);
    const registry = metricsRegistry();
    const text = await registry.metrics();
    send(res, 200, req.method === "HEAD" ? "" : text, { "Content-Type": registry.contentType });
  })().catch((error) => {
    logger().error({ err: error }, "[metrics] scrape failed");
    if (!res.headersSent)
      refuse(res, new AppError("UNAVAILABLE", "The metrics could not be collected just now; try the scrape again."));
    else res.destroy();
  });
  return true;
}
