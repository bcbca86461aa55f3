// Host and machine stats (#16): samples from a real running container and from the local Docker and libvirt
// hosts, who may read them; and /api/health/ready on a portal of its own (a fresh PostgreSQL database), where the
// test can make a host offline, stall the background loops (a table lock the meter and the sweep wait on) and
// take the database away without touching the shared test database.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newApiToken } from "../../src/server/auth/api-tokens";
import { requireAssets } from "../support/assets";
import { PortalClient } from "../support/client";
import { createContainerTemplate, ensureHosts, waitFor, waitForJob, waitForState } from "../support/machines";
import { createTestDatabase, type PortalProcess, startPortal } from "../support/portal-process";
import { signedIn, signedInAdmin } from "../support/users";

type MachineStats = {
  periodSeconds: number;
  samples: { cpuPercent: number | null; memoryBytes: number | null; memoryLimitBytes: number | null }[];
};
type HostStats = {
  samples: {
    cpuPercent: number | null;
    cpus: number | null;
    memoryUsedBytes: number | null;
    memoryTotalBytes: number | null;
    diskFreeBytes: number | null;
    diskTotalBytes: number | null;
  }[];
};
type Ready = {
  status: string;
  failed: string[];
  warnings: string[];
  checks?: { name: string; ok: boolean; detail: string }[];
  error?: { code: string };
};

describe("stats", () => {
  let admin: PortalClient;
  let hosts: { libvirt: string; docker: string };

  beforeAll(async () => {
    await requireAssets("docker", "libvirt");
    admin = await signedInAdmin();
    hosts = await ensureHosts(admin);
  });

  it("a running container's stats have CPU and memory numbers; only who may use the machine reads them", async () => {
    const templateId = await createContainerTemplate(admin);
    const { client: owner } = await signedIn("TEACHER");
    const created = await owner.json<{ job: { id: string }; machines: { id: string }[] }>("/api/machines", {
      method: "POST",
      json: { templateId, name: "stats lab" },
    });
    expect(created.status).toBe(202);
    expect((await waitForJob(owner, created.body.job.id)).status).toBe("SUCCEEDED");
    const id = created.body.machines[0]?.id as string;
    try {
      await owner.json(`/api/machines/${id}/start`, { method: "POST", json: {} });
      await waitForState(owner, id, "RUNNING");
      const stats = await waitFor(
        "two samples with a CPU percentage",
        async () => (await owner.json<MachineStats>(`/api/machines/${id}/stats`)).body,
        (s) => s.samples.some((x) => typeof x.cpuPercent === "number"),
        90_000, // the first answer waits for a development build of the route
      );
      expect(stats.periodSeconds).toBe(2);
      const last = stats.samples.at(-1)!;
      expect(last.cpuPercent).toBeGreaterThanOrEqual(0);
      expect(last.cpuPercent).toBeLessThanOrEqual(100);
      expect(last.memoryBytes).toBeGreaterThan(0);
      expect(last.memoryLimitBytes).toBe(128 * 1024 * 1024);

      // another student (and a teacher of nothing) cannot read them: "not found", no existence leak
      const { client: stranger } = await signedIn("STUDENT");
      const refused = await stranger.json<{ error: { code: string } }>(`/api/machines/${id}/stats`);
      expect(refused.status).toBe(404);
      expect(refused.body.error.code).toBe("NOT_FOUND");
      expect((await admin.json(`/api/machines/${id}/stats`)).status).toBe(200);
    } finally {
      await owner.json(`/api/machines/${id}`, { method: "DELETE" });
    }
  }, 420_000); // a development portal builds each route on first use: slow on a busy machine

  it("host stats for the local Docker and libvirt hosts; admins only", async () => {
    for (const hostId of [hosts.docker, hosts.libvirt]) {
      const stats = await waitFor(
        `host ${hostId} samples`,
        async () => (await admin.json<HostStats>(`/api/admin/hosts/${hostId}/stats`)).body,
        (s) => s.samples.some((x) => typeof x.cpuPercent === "number"),
        90_000,
      );
      const last = stats.samples.at(-1)!;
      expect(last.cpus).toBeGreaterThan(0);
      expect(last.cpuPercent).toBeGreaterThanOrEqual(0);
      expect(last.memoryTotalBytes).toBeGreaterThan(0);
      expect(last.memoryUsedBytes).toBeGreaterThan(0);
      expect(last.memoryUsedBytes).toBeLessThanOrEqual(last.memoryTotalBytes!);
      expect(last.diskFreeBytes).toBeGreaterThan(0);
      expect(last.diskTotalBytes).toBeGreaterThanOrEqual(last.diskFreeBytes!);
    }
    const { client: teacher } = await signedIn("TEACHER");
    expect((await teacher.json(`/api/admin/hosts/${hosts.docker}/stats`)).status).toBe(403);
    expect((await admin.json("/api/admin/hosts/no-such-host/stats")).status).toBe(404);
  }, 240_000);
});

describe("/api/health/ready", () => {
  it("answers anonymous callers with the state and failing check names only; admins see each check", async () => {
    const admin = await signedInAdmin();
    const anonymous = await new PortalClient(admin.baseUrl).json<Ready>("/api/health/ready");
    expect([200, 503]).toContain(anonymous.status);
    expect(anonymous.body.checks).toBeUndefined();
    const detailed = await admin.json<Ready>("/api/health/ready");
    const names = detailed.body.checks?.map((c) => c.name) ?? [];
    expect(names).toEqual(expect.arrayContaining(["database", "hosts", "meter", "reconciler", "host-probes"]));
  });

  describe("on a portal of its own", () => {
    let portal: PortalProcess;
    let db: pg.Client;
    let dropDatabase: () => Promise<void>;
    let dir: string;
    let token: string;
    const ready = async (auth = false) => {
      const res = await fetch(`${portal.url}/api/health/ready`, {
        headers: auth ? { authorization: `Bearer ${token}` } : {},
      });
      return { status: res.status, body: (await res.json()) as Ready };
    };

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), "lab-portal-ready-"));
      const database = await createTestDatabase("postgres", dir);
      dropDatabase = database.drop;
      portal = await startPortal({
        reuse: { databaseUrl: database.url, dataDir: dir },
        env: process.env.PORTAL_TEST_DEV
          ? { NEXT_DIST_DIR: `${process.env.PORTAL_TEST_DEV_DIR ?? ".next-test-dev"}-ready` }
          : {},
      });
      db = new pg.Client({ connectionString: database.url });
      await db.connect();
      const admin = (await db.query(`SELECT id FROM "User" WHERE role = 'ADMIN' LIMIT 1`)).rows[0] as { id: string };
      const t = newApiToken();
      await db.query(
        `INSERT INTO "ApiToken" (id, "userId", name, prefix, hash, scopes) VALUES ($1, $2, 'ready', $3, $4, 'read')`,
        [`tok${Date.now()}`, admin.id, t.prefix, t.hash],
      );
      token = t.token;
    }, 300_000);

    afterAll(async () => {
      await db?.end().catch(() => undefined);
      await portal?.stop();
      await dropDatabase?.().catch(() => undefined);
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it("is ready on a healthy portal, with every loop's last pass for an admin", async () => {
      const res = await waitFor(
        "ready",
        () => ready(true),
        (r) => r.status === 200,
        30_000,
      );
      expect(res.body).toMatchObject({ status: "ready", failed: [] });
      expect(res.body.checks?.every((c) => c.ok)).toBe(true);
    });

    it("a degraded host is ready with a warning; an offline one is not ready, named without details", async () => {
      const insertHost = (name: string, uri: string, status: string, kind: string) =>
        db.query(
          `INSERT INTO "Host" (id, name, kind, uri, "virtType", "storagePool", vcpus, "memoryMb", "diskGb", "maxMachines",
             status, "lastSeenAt", "updatedAt") VALUES ($1, $2, '${kind}', $3, 'qemu', 'lab-portal-it', 1, 512, 1, 1,
             '${status}', now(), now())`,
          [`host-${name}`, name, uri],
        );
      // software emulation: the probe keeps it DEGRADED
      await insertHost("ready-degraded", "qemu:///system", "DEGRADED", "LIBVIRT");
      const degraded = await ready();
      expect(degraded.status).toBe(200);
      expect(degraded.body.warnings).toContain("hosts");

      await insertHost("ready-secret-name", "unix:///run/lab-portal-no-such.sock", "OFFLINE", "DOCKER");
      const offline = await ready();
      expect(offline.status).toBe(503);
      expect(offline.body.failed).toEqual(["hosts"]);
      expect(offline.body.error?.code).toBe("UNAVAILABLE");
      expect(JSON.stringify(offline.body)).not.toContain("ready-secret-name");
      const detailed = await ready(true);
      expect(detailed.body.checks?.find((c) => c.name === "hosts")?.detail).toContain("ready-secret-name is offline");

      await db.query(`DELETE FROM "Host"`);
      expect((await ready()).status).toBe(200);
    });

    it("names the loops that stopped passing (a lock they wait on) and is ready again after", async () => {
      const locker = new pg.Client({ connectionString: portal.databaseUrl });
      await locker.connect();
      try {
        await locker.query("BEGIN");
        await locker.query(`LOCK TABLE "Machine" IN ACCESS EXCLUSIVE MODE`);
        // METER_SECONDS and RECONCILE_SECONDS are 2 here: late after 3 periods and the 10 s margin
        const stale = await waitFor(
          "a stale loop",
          () => ready(),
          (r) => r.status === 503,
          45_000,
        );
        expect(stale.body.failed).toContain("meter");
        expect(stale.body.failed).not.toContain("database");
      } finally {
        await locker.query("ROLLBACK").catch(() => undefined);
        await locker.end();
      }
      await waitFor(
        "ready again",
        () => ready(),
        (r) => r.status === 200,
        30_000,
      );
    }, 90_000);

    it("names the database when it is gone", async () => {
      await db.end();
      await dropDatabase();
      const gone = await waitFor(
        "database gone",
        () => ready(),
        (r) => r.status === 503,
        20_000,
      );
      expect(gone.body.failed).toContain("database");
    }, 40_000);
  });
});
