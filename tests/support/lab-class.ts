// A class made straight in the test database (teacher, enrolled students) and student-owned container
// machines in it, for the hours and idle-shutdown tests; plus the live event feed and an exec console of a
// signed-in client.
import WebSocket from "ws";
import type { PortalClient } from "./client";
import { waitForJob } from "./machines";
import { createUser, testDb } from "./users";

export async function createLabClass(settings: { hoursPerStudent: number; idleMinutes: number }) {
  const teacher = await createUser("TEACHER");
  // no isolated network: these tests are about time, not networks
  return testDb().class.create({
    data: { name: `class-${Date.now().toString(36)}`, ownerId: teacher.id, isolatedNetwork: false, ...settings },
  });
}

export async function enroll(classId: string, userId: string) {
  await testDb().enrollment.create({ data: { classId, userId } });
  await testDb().class.update({ where: { id: classId }, data: { enrolledCount: { increment: 1 } } });
}

/** A stopped container machine owned by `ownerId`, in the class. */
export async function classMachine(
  admin: PortalClient,
  templateId: string,
  ownerId: string,
  classId: string,
  name: string,
): Promise<string> {
  const created = await admin.json<{ job: { id: string }; machines: { id: string }[] }>("/api/machines", {
    method: "POST",
    json: { templateId, name, ownerId },
  });
  if (created.status !== 202) throw new Error(`create: ${created.status} ${JSON.stringify(created.body)}`);
  const job = await waitForJob(admin, created.body.job.id);
  if (job.status !== "SUCCEEDED") throw new Error(`deploy: ${JSON.stringify(job)}`);
  const id = created.body.machines[0]?.id as string;
  await testDb().machine.update({ where: { id }, data: { classId, role: "STUDENT" } });
  return id;
}

export type FeedEvent = { type: string; data: Record<string, unknown> };

/** The /ws/events feed of a signed-in client (on the portal it talks to), collecting every event. */
export async function eventFeed(client: PortalClient): Promise<{ events: FeedEvent[]; close: () => void }> {
  const url = client.baseUrl;
  const ws = new WebSocket(`${url.replace(/^http/, "ws")}/ws/events`, {
    headers: { origin: url, cookie: client.cookieHeader(), "x-forwarded-for": client.ip },
  });
  const events: FeedEvent[] = [];
  ws.on("message", (d: Buffer) => events.push(JSON.parse(d.toString())));
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("close", (code) => reject(new Error(`event feed closed: ${code}`)));
  });
  return { events, close: () => ws.close() };
}

/** An open docker exec console of a signed-in client, through the portal the client talks to. */
export async function openExecConsole(client: PortalClient, machineId: string): Promise<WebSocket> {
  const t = await client.json<{ url: string }>(`/api/machines/${machineId}/console`, {
    method: "POST",
    json: { kind: "exec" },
  });
  if (t.status !== 201) throw new Error(`console ticket: ${t.status} ${JSON.stringify(t.body)}`);
  const url = client.baseUrl;
  const ws = new WebSocket(`${url.replace(/^http/, "ws")}${t.body.url}`, {
    headers: { origin: url, cookie: client.cookieHeader(), "x-forwarded-for": client.ip },
  });
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("close", (code) => reject(new Error(`console closed: ${code}`)));
  });
  return ws;
}

/** The close code and reason of a socket, once it closes. */
export function closed(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => ws.once("close", (code, reason) => resolve({ code, reason: reason.toString() })));
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
