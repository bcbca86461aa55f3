// /metrics against the real portal: a scrape passes `promtool check metrics`, callers outside METRICS_ALLOW need
// the scrape token, and the counters move after real actions (a container created and started, a console
// opened and used).
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, inject, it } from "vitest";
import WebSocket from "ws";
import { requireAssets } from "../support/assets";
import type { PortalClient } from "../support/client";
import { createContainerTemplate, ensureHosts, waitFor, waitForJob, waitForState } from "../support/machines";
import { ROOT, TEST_METRICS_TOKEN } from "../support/portal-process";
import { signedInAdmin } from "../support/users";

const url = () => `${inject("portalUrl")}/metrics`;

/** `promtool check metrics` with the body on stdin: exit 0 and no complaints. */
function promtoolCheck(body: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = execFile("promtool", ["check", "metrics"], (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, output: `${stdout}${stderr}` }),
    );
    child.stdin?.end(body);
  });
}

/** The sum of the samples of `name` whose labels include `labels` (exposition format, one sample a line). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split("\n")) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) sum += Number(m[3]);
  }
  return sum;
}

async function scrape(): Promise<string> {
  // from loopback (no X-Forwarded-For: the socket's own address): allowed without a token
  const res = await fetch(url());
  expect(res.status).toBe(200);
  return res.text();
}

describe("metrics", () => {
  let admin: PortalClient;
  let templateId: string;

  beforeAll(async () => {
    await requireAssets("docker");
    admin = await signedInAdmin();
    await ensureHosts(admin);
    templateId = await createContainerTemplate(admin);
  }, 180_000);

  it("serves a scrape from loopback that promtool accepts", async () => {
    const res = await fetch(url());
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const body = await res.text();
    for (const name of [
      "labportal_process_cpu_seconds_total",
      "labportal_http_requests_total",
      "labportal_db_query_duration_seconds_count",
      "labportal_machines",
      "labportal_host_free",
      "labportal_vpn_clients_connected",
    ])
      expect(body).toContain(name);
    const check = await promtoolCheck(body);
    expect(check.output).toBe("");
    expect(check.code).toBe(0);
    // the Grafana dashboard asks only for metrics the portal exports
    const dashboard = readFileSync(join(ROOT, "docs/grafana/lab-portal.json"), "utf8");
    const exported = new Set([...body.matchAll(/^# TYPE (\w+) /gm)].map((m) => m[1]));
    const asked = new Set(
      [...dashboard.matchAll(/labportal_\w+/g)].map((m) => m[0].replace(/_(bucket|count|sum)$/, "")),
    );
    expect([...asked].filter((name) => !exported.has(name))).toEqual([]);
    expect(JSON.parse(dashboard).panels.length).toBeGreaterThan(10);
  });

  it("refuses other addresses without the scrape token, with the error table's body", async () => {
    const from = { "x-forwarded-for": "10.99.7.7" };
    const none = await fetch(url(), { headers: from });
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect((await none.json()).error.code).toBe("UNAUTHENTICATED");
    const wrong = await fetch(url(), { headers: { ...from, authorization: `Bearer ${TEST_METRICS_TOKEN}x` } });
    expect(wrong.status).toBe(401);
    expect((await wrong.json()).error.message).toMatch(/not valid/);
    const withToken = await fetch(url(), { headers: { ...from, authorization: `Bearer ${TEST_METRICS_TOKEN}` } });
    expect(withToken.status).toBe(200);
    expect(await withToken.text()).toContain("labportal_jobs_total");
    expect((await fetch(url(), { method: "POST" })).status).toBe(405);
  });

  it("counts requests, jobs, machine starts and console traffic after real actions", async () => {
    const before = await scrape();
    const created = await admin.json<{ job: { id: string }; machines: { id: string }[] }>("/api/machines", {
      method: "POST",
      json: { templateId, name: "metrics ct" },
    });
    expect(created.status).toBe(202);
    expect((await waitForJob(admin, created.body.job.id)).status).toBe("SUCCEEDED");
    const id = created.body.machines[0]?.id as string;
    await admin.json(`/api/machines/${id}/start`, { method: "POST", json: {} });
    await waitForState(admin, id, "RUNNING");

    const t = await admin.json<{ url: string }>(`/api/machines/${id}/console`, {
      method: "POST",
      json: { kind: "exec", viewOnly: false },
    });
    expect(t.status).toBe(201);
    const ws = new WebSocket(`${inject("portalUrl").replace(/^http/, "ws")}${t.body.url}`, {
      headers: { cookie: admin.cookieHeader(), "x-forwarded-for": admin.ip, origin: inject("portalUrl") },
    });
    let text = "";
    ws.on("message", (d: Buffer, binary: boolean) => {
      if (binary) text += d.toString("utf8");
    });
    await new Promise((r) => ws.once("open", r));
    ws.send(Buffer.from("echo metrics-$((6*7))\n"));
    await waitFor(
      "shell output",
      async () => text,
      (s) => s.includes("metrics-42"),
      15_000,
    );

    const during = await scrape();
    expect(sample(during, "labportal_consoles_open", { kind: "exec" })).toBeGreaterThanOrEqual(1);
    // bytes of an open console are counted at the scrape, not only when it closes
    expect(sample(during, "labportal_console_bytes_total", { direction: "to_machine" })).toBeGreaterThan(
      sample(before, "labportal_console_bytes_total", { direction: "to_machine" }),
    );
    ws.close();
    await waitFor(
      "console closed",
      async () => sample(await scrape(), "labportal_consoles_open", { kind: "exec" }),
      (n) => n < sample(during, "labportal_consoles_open", { kind: "exec" }),
      10_000,
    );

    const after = await scrape();
    const moved = (name: string, labels: Record<string, string> = {}) =>
      sample(after, name, labels) - sample(before, name, labels);
    expect(moved("labportal_http_requests_total", { route: "/api/machines", method: "POST", status: "202" })).toBe(1);
    expect(
      moved("labportal_http_request_duration_seconds_count", {
        route: "/api/machines/{id}/{action}",
        method: "POST",
        status: "202",
      }),
    ).toBe(1);
    expect(moved("labportal_jobs_total", { state: "SUCCEEDED" })).toBeGreaterThanOrEqual(1);
    expect(moved("labportal_job_duration_seconds_count", { state: "SUCCEEDED" })).toBeGreaterThanOrEqual(1);
    expect(
      moved("labportal_machine_action_duration_seconds_count", { action: "start", kind: "docker", result: "ok" }),
    ).toBe(1);
    expect(moved("labportal_console_open_seconds_count", { kind: "exec", result: "ok" })).toBe(1);
    expect(moved("labportal_console_bytes_total", { direction: "to_machine" })).toBeGreaterThan(0);
    expect(moved("labportal_console_bytes_total", { direction: "to_browser" })).toBeGreaterThan(0);
    expect(moved("labportal_db_query_duration_seconds_count")).toBeGreaterThan(0);
    expect(sample(after, "labportal_machines", { state: "RUNNING" })).toBeGreaterThanOrEqual(1);
    expect((await promtoolCheck(after)).code).toBe(0);

    await admin.json(`/api/machines/${id}`, { method: "DELETE" });
  }, 180_000);
});
