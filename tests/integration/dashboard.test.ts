// The admin dashboard's "attention" cards (#14 item 18): hosts (online / offline), running machines, jobs that
// failed in the last FAILED_JOB_DAYS days and pending quota requests, counted from the database; other roles get
// no such numbers.
import { describe, expect, it } from "vitest";
import { signedIn, signedInAdmin, testDb } from "../support/users";

type Attention = {
  hosts: {
    total: number;
    online: number;
    degraded: number;
    offline: number;
    items: { name: string; status: string; draining: boolean }[];
  };
  runningMachines: number;
  failedJobs: number;
  pendingRequests: number;
};

describe("admin dashboard cards", () => {
  it("count hosts, running machines, recently failed jobs and pending requests", async () => {
    const admin = await signedInAdmin();
    const read = async () => {
      const res = await admin.json<{ role: string; attention: Attention }>("/api/dashboard");
      expect(res.status).toBe(200);
      return res.body.attention;
    };
    const before = await read();
    const db = testDb();
    const run = Date.now().toString(36);
    const { user } = await signedIn("STUDENT");
    const spec = {
      kind: "DOCKER" as const,
      uri: "unix:///var/run/docker.sock",
      vcpus: 1,
      memoryMb: 512,
      diskGb: 1,
      maxMachines: 1,
    };
    // (cordoned and draining: placement never picks them while they exist; removed at the end)
    const hosts = [
      await db.host.create({
        data: {
          ...spec,
          name: `dash-offline-${run}`,
          uri: "unix:///run/lab-portal-no-such.sock",
          status: "OFFLINE",
          cordoned: true,
          draining: true,
        },
      }),
      await db.host.create({
        data: { ...spec, name: `dash-online-${run}`, status: "ONLINE", cordoned: true, draining: true },
      }),
      // software emulation: its probe keeps it DEGRADED
      await db.host.create({
        data: {
          ...spec,
          kind: "LIBVIRT",
          uri: "qemu:///system",
          virtType: "qemu",
          name: `dash-degraded-${run}`,
          status: "DEGRADED",
          cordoned: true,
          draining: true,
        },
      }),
    ];
    await db.machine.create({ data: { name: `dash-running-${run}`, ownerId: user.id, state: "RUNNING" } });
    await db.machine.create({ data: { name: `dash-stopped-${run}`, ownerId: user.id, state: "STOPPED" } });
    await db.job.create({ data: { kind: "deploy", title: "failed", status: "FAILED" } });
    await db.job.create({ data: { kind: "deploy", title: "partial", status: "PARTIAL" } });
    await db.job.create({
      data: {
        kind: "deploy",
        title: "old failure",
        status: "FAILED",
        createdAt: new Date(Date.now() - 30 * 24 * 3600 * 1000),
      },
    });
    await db.job.create({ data: { kind: "deploy", title: "fine", status: "SUCCEEDED" } });
    await db.quotaRequest.create({ data: { userId: user.id, kind: "hours", reason: "more", status: "PENDING" } });
    await db.quotaRequest.create({ data: { userId: user.id, kind: "hours", reason: "more", status: "DENIED" } });
    let after: Attention;
    try {
      after = await read();
    } finally {
      await db.host.deleteMany({ where: { id: { in: hosts.map((h) => h.id) } } });
    }
    expect(after.hosts.total - before.hosts.total).toBe(3);
    expect(after.hosts.offline - before.hosts.offline).toBe(1);
    expect(after.hosts.online - before.hosts.online).toBe(2); // degraded hosts take machines too
    expect(after.hosts.degraded - before.hosts.degraded).toBe(1);
    // the list shows each with its status, the ones needing a look first
    const mine = after.hosts.items.filter((h) => h.name.endsWith(run));
    expect(mine.map((h) => [h.name, h.status, h.draining])).toEqual([
      [`dash-offline-${run}`, "OFFLINE", true],
      [`dash-degraded-${run}`, "DEGRADED", true],
      [`dash-online-${run}`, "ONLINE", true],
    ]);
    const ranks = after.hosts.items.map((h) => ["OFFLINE", "DEGRADED", "UNKNOWN", "ONLINE"].indexOf(h.status));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    expect(after.runningMachines - before.runningMachines).toBe(1);
    expect(after.failedJobs - before.failedJobs).toBe(2);
    expect(after.pendingRequests - before.pendingRequests).toBe(1);
    // a teacher's dashboard has no such numbers
    const teacher = await signedIn("TEACHER");
    expect((await teacher.client.json<Record<string, unknown>>("/api/dashboard")).body.attention).toBeUndefined();
  }, 180_000); // a development portal builds the route on first use
});
